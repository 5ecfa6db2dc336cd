"""GradientTape: records eager ops on watched values and differentiates them."""
from __future__ import annotations

import contextlib
import enum
import warnings
from typing import Any

from ..core.tensor import Tensor
from ..core.variable import Variable
from ..ops import primitive as _prim
from ..core import nest
from .backprop import backprop


class UnconnectedGradients(enum.Enum):
    """What ``gradient`` returns for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


class GradientTape:
    """Record operations for automatic differentiation.

    >>> import ember
    >>> x = ember.constant(3.0)
    >>> with ember.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = x * x
    >>> float(tape.gradient(y, x))
    6.0
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self._persistent = persistent
        self._watch_accessed = watch_accessed_variables
        self._nodes: list = []
        self._watched: set[int] = set()
        self._watched_objs: list = []   # keeps watched values alive so ids stay unique
        self._variables: list = []
        self._recording = False
        self._used = False

    # -- recording ----------------------------------------------------------------------
    def __enter__(self) -> "GradientTape":
        self._push()
        return self

    def __exit__(self, *exc) -> None:
        if self._recording:
            self._pop()

    def _push(self) -> None:
        if self._recording:
            raise ValueError("GradientTape: the tape is already recording; a tape cannot be "
                             "entered again inside its own `with` block")
        _prim.STATE.tapes.append(self)
        self._recording = True

    def _pop(self) -> None:
        _prim.STATE.tapes.remove(self)
        self._recording = False

    def watch(self, tensor: Any) -> None:
        """Make the tape track operations on ``tensor`` (a tensor, variable or nest)."""
        for t in nest.flatten(tensor):
            if isinstance(t, Variable):
                self._watch_variable(t)
            elif isinstance(t, Tensor):
                if not _prim._is_inexact(t._value):
                    warnings.warn(f"GradientTape.watch: the dtype of the watched tensor must "
                                  f"be floating (e.g. float32), got {t.dtype.name}; its "
                                  "gradient will be None", stacklevel=2)
                if id(t) not in self._watched:
                    self._watched.add(id(t))
                    self._watched_objs.append(t)
            else:
                raise ValueError(f"GradientTape.watch takes tensors or variables; got "
                                 f"{type(t).__name__}")

    def _watch_variable(self, var: Variable) -> None:
        if id(var) not in self._watched:
            self._watched.add(id(var))
            self._watched_objs.append(var)
            self._variables.append(var)

    def watched_variables(self) -> tuple:
        """The variables this tape has watched, in the order they were created (as TF)."""
        return tuple(sorted(self._variables, key=lambda v: getattr(v, "_unique_id", 0)))

    @contextlib.contextmanager
    def stop_recording(self):
        """Temporarily stop recording: ops inside are not differentiated."""
        if not self._recording:
            raise RuntimeError("GradientTape.stop_recording: trying to stop recording a tape "
                               "which is not recording (use it inside the tape's `with`)")
        self._pop()
        try:
            yield
        finally:
            self._push()

    def reset(self) -> None:
        """Forget everything recorded so far (the tape keeps recording if it was)."""
        self._nodes = []
        self._watched = set()
        self._watched_objs = []
        self._variables = []

    # -- differentiating ----------------------------------------------------------------
    def _check_usable(self, what: str) -> None:
        if self._used and not self._persistent:
            raise RuntimeError(f"A non-persistent GradientTape can only be used to compute "
                               f"one set of gradients (or jacobians); {what} was called "
                               "again. Use GradientTape(persistent=True).")

    def gradient(self, target: Any, sources: Any, output_gradients: Any = None,
                 unconnected_gradients: UnconnectedGradients | str = UnconnectedGradients.NONE):
        """Gradient of ``target`` (summed over its elements and over a nest of targets)
        with respect to each of ``sources``, in the same nested structure.

        >>> import ember
        >>> v = ember.Variable(2.0)
        >>> with ember.GradientTape() as tape:
        ...     loss = v ** 3
        >>> float(tape.gradient(loss, v))
        12.0
        """
        self._check_usable("gradient")
        unconnected = _unconnected_mode(unconnected_gradients)
        if target is None:
            raise TypeError("GradientTape.gradient: `target` should be a tensor, a variable "
                            "or a nested structure of them, but received None")
        targets = [t if isinstance(t, Variable) else _as_target(t)
                   for t in nest.flatten(target)]
        flat_sources = nest.flatten(sources)
        for s in flat_sources:
            if not isinstance(s, (Tensor, Variable)):
                raise ValueError(f"GradientTape.gradient: sources must be tensors or "
                                 f"variables; got {type(s).__name__}")
        if output_gradients is None:
            ogs = [None] * len(targets)
        else:
            ogs = [None if g is None else _as_target(g) for g in nest.flatten(output_gradients)]
            if len(ogs) != len(targets):
                raise ValueError(f"GradientTape.gradient: {len(ogs)} output_gradients for "
                                 f"{len(targets)} targets")
        self._stop_unless_persistent()
        grads = self._run_backprop(targets, flat_sources, ogs, release=not self._persistent)
        if not self._persistent:
            self._used = True
            self._nodes = []
        out = []
        for s in flat_sources:
            g = grads.get(id(s))
            if g is None and unconnected is UnconnectedGradients.ZERO:
                from ..ops.creation import zeros_like
                g = zeros_like(s)
            out.append(g)
        return nest.pack_sequence_as(sources, out)

    def _stop_unless_persistent(self) -> None:
        """Called inside the tape's context, a non-persistent tape stops recording (it can
        be used only once); a persistent one goes on and records the backward pass."""
        if self._recording:
            if self._persistent:
                _warn_gradient_inside_context()
            else:
                self._pop()

    def _run_backprop(self, targets, flat_sources, ogs, release: bool = False) -> dict:
        """Gradients by source id. A persistent tape that is still recording records the
        backward pass too (so it can differentiate its own gradients, as TF's does).
        Only sources this tape watched (or produced) get one, as in TF: a constant that
        was merely an input of a recorded op is unconnected unless watched."""
        target_ids = {id(t) for t in targets}
        watched = self._watched
        ids = [id(s) for s in flat_sources if id(s) in watched or id(s) in target_ids]
        grads = backprop(self._nodes, targets, ids, ogs, release=release)
        return {i: grads[i] for i in ids if i in grads}

    def jacobian(self, target: Any, sources: Any, unconnected_gradients="none",
                 parallel_iterations=None, experimental_use_pfor=True):
        """Full Jacobian: result[i] has shape ``target.shape + source_i.shape``."""
        from .jacobian import jacobian
        self._check_usable("jacobian")
        self._stop_unless_persistent()
        result = jacobian(self, target, sources, unconnected_gradients)
        if not self._persistent:
            self._used = True
        return result

    def batch_jacobian(self, target: Any, source: Any, unconnected_gradients="none",
                       parallel_iterations=None, experimental_use_pfor=True):
        """Per-example Jacobian: shape ``(batch,) + target.shape[1:] + source.shape[1:]``."""
        from .jacobian import batch_jacobian
        self._check_usable("batch_jacobian")
        self._stop_unless_persistent()
        result = batch_jacobian(self, target, source, unconnected_gradients)
        if not self._persistent:
            self._used = True
        return result


def _unconnected_mode(value: Any) -> UnconnectedGradients:
    key = value.value if isinstance(value, enum.Enum) else str(value).lower()
    try:
        return UnconnectedGradients(key)
    except ValueError:
        raise ValueError(f"GradientTape.gradient: unknown value for unconnected_gradients: "
                         f"{value!r} (expected 'none' or 'zero')") from None


_warned_inside_context = False


def _warn_gradient_inside_context() -> None:
    global _warned_inside_context
    if not _warned_inside_context:
        _warned_inside_context = True
        warnings.warn("Calling GradientTape.gradient on a persistent tape inside its context "
                      "records the gradient computation on the tape (slower, more memory); "
                      "do it only to take higher-order derivatives", stacklevel=4)


def _as_target(t: Any) -> Tensor:
    if isinstance(t, Tensor):
        return t
    if isinstance(t, Variable):
        return t.read_value()
    from ..core.convert import to_array
    return Tensor(to_array(t))
