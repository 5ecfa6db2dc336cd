"""``ember.gradients``: TensorFlow 1's symbolic gradients, which Ember does not have."""
from __future__ import annotations

from typing import Any


def gradients(ys: Any, xs: Any, grad_ys: Any = None, name: str = "gradients",
              gate_gradients: bool = False, aggregation_method: Any = None,
              stop_gradients: Any = None, unconnected_gradients: Any = "none") -> Any:
    """Always raises: gradients come from ``GradientTape`` (eagerly and inside
    ``ember.function``), as in TensorFlow 2's eager mode.

    >>> import ember
    >>> ember.gradients(ember.constant(1.0), ember.constant(1.0))
    Traceback (most recent call last):
    ...
    RuntimeError: ember.gradients (tf.gradients) is not supported: Ember takes gradients with ember.GradientTape, eagerly and inside ember.function. Record the computation in `with ember.GradientTape() as tape:` and call tape.gradient(ys, xs).
    """
    raise RuntimeError("ember.gradients (tf.gradients) is not supported: Ember takes "
                       "gradients with ember.GradientTape, eagerly and inside "
                       "ember.function. Record the computation in `with "
                       "ember.GradientTape() as tape:` and call tape.gradient(ys, xs).")
