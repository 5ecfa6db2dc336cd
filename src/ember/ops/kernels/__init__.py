"""Fused native kernels, compiled with Numba when it is installed (``ember[jit]``).

NumPy runs an elementwise chain as one pass per op, each through memory; a loop compiled
by Numba computes the whole chain per element in registers, which is what TensorFlow's
XLA and PyTorch's fused kernels do. The kernels here cover the hot elementwise chains of
Ember's fused ops (the LSTM, GRU and SimpleRNN steps and their gradients, layer
normalization, softmax, ReLU's gradient and a graph's bias-then-ReLU, tiled max pooling,
the Adam update, dot-product attention with its per-head products, 1-D and 2-D
convolutions with theirs, and the Philox rounds behind every random draw); every op keeps
its NumPy path, which runs when Numba is missing, for float64 (where gradients are
checked) and on GPU.

``ember.config.optimizer.set_jit(False)`` switches the kernels off for the process.
Numba is imported only when a kernel is first needed, so ``import ember`` stays fast.
"""
from __future__ import annotations

import warnings
from types import ModuleType
from typing import Any

import numpy as np

_STATE: dict[str, Any] = {"enabled": True, "modules": {}, "numba": None}


def set_enabled(enabled: bool) -> None:
    """Use the compiled kernels where they apply (the default when Numba is installed)."""
    _STATE["enabled"] = bool(enabled)


def enabled() -> bool:
    """Whether kernels are switched on and Numba can be imported."""
    return _STATE["enabled"] and _numba_available()


def _numba_available() -> bool:
    if _STATE["numba"] is None:
        try:
            import numba  # noqa: F401
            _STATE["numba"] = True
        except ImportError:
            _STATE["numba"] = False
        except Exception as e:  # noqa: BLE001 - a broken install must not break Ember
            warnings.warn(f"ember: Numba is installed but failed to import ({e}); the "
                          f"compiled kernels are off", RuntimeWarning, stacklevel=3)
            _STATE["numba"] = False
    return _STATE["numba"]


def kernels_for(name: str, *arrays: Any, contiguous: bool = False) -> ModuleType | None:
    """The kernel module ``ember.ops.kernels.<name>`` when the kernels apply to
    ``arrays`` (NumPy float32, C-contiguous too if ``contiguous``, kernels switched on,
    Numba importable), else None.

    >>> from ember.ops import kernels
    >>> kernels.kernels_for("lstm", np.zeros(3)) is None   # float64: the NumPy path
    True
    """
    for a in arrays:
        if type(a) is not np.ndarray or a.dtype != np.float32 \
                or (contiguous and not a.flags.c_contiguous):
            return None
    if not enabled():
        return None
    module = _STATE["modules"].get(name)
    if module is None:
        import importlib
        module = importlib.import_module(f"{__name__}.{name}")
        _STATE["modules"][name] = module
    return module


def warm_up() -> bool:
    """Load (or, the first time in an environment, compile) every kernel now, by running
    the ops that use them once on tiny float32 inputs, so that neither the wait nor
    Numba's own memory falls inside the first training step. Returns whether kernels
    are in use.

    >>> from ember.ops import kernels
    >>> kernels.warm_up() in (True, False)
    True
    """
    if not enabled():
        return False
    import ember

    from ..attention import dot_product_attention
    from ..training import apply_adam
    x = ember.ones((3, 2, 4), np.float32)
    weights = [ember.Variable(np.full(shape, 0.1, np.float32))
               for shape in ((1, 16), (1, 12), (1, 12), (1, 1), (1, 4))]
    with ember.GradientTape() as tape:
        h0 = ember.zeros((2, 1), np.float32)
        hs, cs = ember.nn.lstm_sequence(ember.ones((3, 2, 4)) * weights[0][0, :4],
                                        h0, h0, weights[0][:, :4] * ember.ones((1, 4)))
        parts = [hs, cs]
        for reset_after, w in ((True, weights[1]), (False, weights[2])):
            parts.append(ember.nn.gru_sequence(ember.ones((3, 2, 3)) * w[0, :3], h0,
                                               w[:, :3] * ember.ones((1, 3)),
                                               reset_after=reset_after))
        parts.append(ember.nn.simple_rnn_sequence(ember.ones((3, 2, 1)) * weights[3], h0,
                                                  weights[3]))
        parts.append(ember.raw_ops.layer_norm(x, weights[4][0], weights[4][0]))
        parts.append(ember.nn.softmax(x * weights[4][0]))
        heads = ember.ones((1, 2, 3, 4)) * weights[4][0]      # (B, T, 3 heads, H)
        mask = ember.constant(np.ones((1, 1, 2, 2), bool))
        for q, k, v in (ember.split(heads, 3, axis=2),      # views, and contiguous
                        [ember.identity(t) * 1.0 for t in ember.split(heads, 3, axis=2)]):
            for m in (None, mask):
                parts.append(dot_product_attention(q, k, v, m)[0])
        image = ember.ones((1, 4, 4, 1)) * weights[3][0]
        parts.append(ember.nn.conv2d(image, ember.ones((2, 2, 1, 4)) * weights[3][0], 1,
                                     "VALID"))
        pooled = ember.nn.relu(ember.ones((1, 4, 4, 4)) * weights[4][0])
        for window in (2, 3):           # the 2x2 kernels and the general ones
            parts.append(ember.nn.max_pool2d(pooled, window, window, "VALID"))
        loss = ember.add_n([ember.reduce_sum(p) for p in parts])
    for w, g in zip(weights, tape.gradient(loss, weights)):
        if g is not None:
            apply_adam(w, ember.Variable(np.zeros_like(w.numpy())),
                       ember.Variable(np.zeros_like(w.numpy())), g, 0.1, 0.1, 0.1, 1e-7)
    rows = np.ones((2, 4), np.float32)      # a compiled graph's fused bias add and ReLU
    kernels_for("relu", rows).bias_relu(rows, rows[0], np.empty_like(rows))
    kernels_for("philox").words((1, 2), (3, 4), 5, 1)
    kernels_for("row_product").warm_up()
    return True
