"""`ember.random`: TensorFlow's `tf.random` namespace. Names load on first use."""
from ._lazy import lazy_namespace as _lazy_namespace
from ._lazy import names as _names
from ._names import RANDOM_NAMESPACE as _RANDOM

_TABLE = {
    **_RANDOM,
    **_names("ember.ops.random", "Algorithm", "split", "fold_in", "create_rng_state",
             "experimental"),
    **_names("ember.ops.random_distributions", "gamma", "poisson", "stateless_gamma",
             "stateless_poisson", "stateless_binomial",
             "stateless_parameterized_truncated_normal"),
}

__getattr__, __dir__ = _lazy_namespace(__name__, _TABLE, globals())
