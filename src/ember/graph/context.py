"""Where code is running: eagerly, or inside a function being traced."""
from __future__ import annotations

import contextlib
from typing import Any

import numpy as np

from ..core.tensor import Tensor
from ..core.variable import Variable
from ..ops import primitive as _prim
from .tracer import GraphTensor, suspended

# ember.config.run_functions_eagerly: every ember.function runs its Python body
RUN_FUNCTIONS_EAGERLY = [False]


def inside_function() -> bool:
    """True while an ``ember.function`` is being traced.

    >>> import ember
    >>> seen = []
    >>> _ = ember.function(lambda: seen.append(ember.inside_function()))()
    >>> ember.inside_function(), seen
    (False, [True])
    """
    return bool(_prim.STATE.tracing)


def executing_eagerly() -> bool:
    """False while an ``ember.function`` is being traced, True otherwise (TF's meaning)."""
    return not _prim.STATE.tracing


def get_static_value(tensor: Any, partial: bool = False) -> np.ndarray | None:
    """The value of ``tensor`` as a NumPy array when it is a constant (an eager tensor,
    Python or NumPy data); None for a variable and for a tensor of a function being
    traced, whose values change from call to call (as in TensorFlow).

    >>> import ember
    >>> ember.get_static_value(ember.constant([1, 2])).tolist()
    [1, 2]
    """
    if isinstance(tensor, (GraphTensor, Variable)):  # TF: a variable's value may change
        return None
    if isinstance(tensor, Tensor):
        return tensor.numpy()
    from ..ops.creation import convert_to_tensor
    return convert_to_tensor(tensor).numpy()


def init_scope() -> contextlib.AbstractContextManager:
    """Run the block eagerly even inside a traced function: what it computes (a new
    variable's initial value, say) is not recorded into the graph.

    >>> import ember
    >>> @ember.function
    ... def f(x):
    ...     with ember.init_scope():
    ...         eager = ember.executing_eagerly()
    ...     return x, eager
    >>> bool(f(ember.constant(1.0))[1])       # returned as a tensor, as in TF
    True
    """
    return suspended()


def run_functions_eagerly(run_eagerly: bool) -> None:
    """Make every ``ember.function`` run its Python body instead of a graph (debugging)."""
    RUN_FUNCTIONS_EAGERLY[0] = bool(run_eagerly)


def functions_run_eagerly() -> bool:
    """Whether ``run_functions_eagerly(True)`` is in effect."""
    return RUN_FUNCTIONS_EAGERLY[0]
