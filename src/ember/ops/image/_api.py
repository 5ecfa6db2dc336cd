"""The Ember ops the image family is written with, gathered in one namespace.

Image ops are composites of Ember's primitive ops (their gradients come from those ops),
so the modules of this package import them from here as ``E.where``, ``E.matmul`` ...
rather than from the public ``ember`` namespace, which sits on a floor above ``ops``.
"""
from __future__ import annotations

# ruff: noqa: F401 - this module only gathers names for the others
from ...core.dtypes import as_dtype
from ...core.errors import InvalidArgumentError
from ...core.tensor import Tensor
from ...core.variable import Variable
from ..activations import relu, softmax
from ..conv import depthwise_conv2d
from ..creation import (constant, convert_to_tensor, identity, ones_like, range, zeros,
                        zeros_like)
from ..elementwise import (abs, add, cast, ceil, clip_by_value, divide, equal, exp, floor,
                           floordiv, floormod, greater, greater_equal, less, less_equal, log,
                           logical_and, logical_not, logical_or, maximum, minimum, multiply,
                           not_equal, pow, round, rsqrt, saturate_cast, sign, sin, sqrt,
                           square, squared_difference, stop_gradient, subtract, where)
from ..indexing import gather, slice
from ..linalg import matmul, solve, tensordot
from ..pool import avg_pool
from ..reduction import (reduce_any, reduce_max, reduce_mean, reduce_min, reduce_prod,
                         reduce_std, reduce_sum)
from ..shape import (broadcast_to, concat, expand_dims, pad, reshape, reverse, squeeze, stack,
                     tile, transpose, unstack)
