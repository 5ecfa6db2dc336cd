"""Graph optimization passes; each exposes ``run(graph) -> number of changes``."""
