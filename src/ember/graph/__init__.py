"""Graph compilation: ``ember.function`` traces Python into a graph, optimizes it and runs
a plan (see ``function``, ``tracer``, ``optimize``, ``plan``)."""
