"""Fused chains that one compiled kernel (``ember.ops.kernels``) runs whole.

The fusion pass turns a chain into NumPy ufunc calls on one buffer; a few chains that
every dense or convolution layer produces have a compiled loop that reads the inputs
once instead. Today: a bias add followed by ReLU (``add`` then ``relu``). The step
checks at run time that the kernel applies (NumPy float32, contiguous, the bias a row
of the input's trailing axes) and otherwise runs the generic step.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..ir import Node


def kernel_step(node: Node, generic: Callable) -> Callable | None:
    """A step running ``node``'s fused program as one kernel, or None when no kernel
    matches the program. ``generic`` is the step to fall back on."""
    from ...ops import activations, elementwise
    program = node.meta["program"]
    if len(program) != 2 or program[0][0] is not elementwise.add.primitive \
            or program[1][0] is not activations._relu.primitive:
        return None
    specs = program[0][2]
    if any(sp[0] not in ("v", "c") for sp in specs):
        return None
    return _bias_relu_step(specs, node.outputs[0], node.meta.get("inplace"),
                           node.inputs, generic)


def _bias_relu_step(specs: tuple, o: int, inplace: int | None, inputs: tuple,
                    generic: Callable) -> Callable:
    from ...ops.kernels import kernels_for
    (ka, a), (kb, b) = specs
    at = None if inplace is None else inputs[inplace]

    def step(s):
        x, x_id = (s[a], a) if ka == "v" else (a, None)
        bias = s[b] if kb == "v" else b
        if getattr(x, "ndim", 0) < getattr(bias, "ndim", 0):
            x, bias, x_id = bias, x, (b if kb == "v" else None)
        kernels = _applies(x, bias) and kernels_for("relu", x, bias)
        if not kernels:
            generic(s)
            return
        out = x if x_id is not None and x_id == at else np.empty_like(x)
        if x.ndim == 2 and bias.ndim == 1:      # a dense layer's: no reshapes (1 us of
            kernels.bias_relu(x, bias, out)     # a one-sample predict's 40)
        else:
            n = bias.size
            kernels.bias_relu(x.reshape(-1, n), bias.reshape(n), out.reshape(-1, n))
        s[o] = out
    return step


def _applies(x, bias) -> bool:
    return (type(x) is np.ndarray and type(bias) is np.ndarray and bias.ndim >= 1
            and x.ndim >= bias.ndim and x.flags.c_contiguous and bias.flags.c_contiguous
            and x.shape[x.ndim - bias.ndim:] == bias.shape and x.size > 0)
