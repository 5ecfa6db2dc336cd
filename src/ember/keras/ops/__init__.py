"""``keras.ops``: Keras 3's backend-agnostic ops (NumPy-style), over Ember's public ops.

Each works eagerly on Ember tensors, NumPy arrays and Python values, and on symbolic
KerasTensors inside a functional model (recorded as an OperationLayer).

>>> from ember import keras
>>> keras.ops.mean(keras.ops.ones((2, 3)), axis=1).numpy().tolist()
[1.0, 1.0]
"""
from . import core, nn, numpy  # noqa: F401
from .core import cond, dynamic_slice, fori_loop, is_tensor, scan, slice, slice_update, while_loop  # noqa: F401
from .nn import (  # noqa: F401
                   binary_crossentropy,
                   categorical_crossentropy,
                   elu,
                   gelu,
                   leaky_relu,
                   log_softmax,
                   moments,
                   normalize,
                   one_hot,
                   relu,
                   relu6,
                   selu,
                   sigmoid,
                   silu,
                   softmax,
                   softplus,
                   softsign,
                   sparse_categorical_crossentropy,
                   swish,
)
from .numpy import (  # noqa: F401
                   abs,
                   absolute,
                   add,
                   all,
                   amax,
                   amin,
                   any,
                   arange,
                   argmax,
                   argmin,
                   argsort,
                   broadcast_to,
                   cast,
                   ceil,
                   clip,
                   concatenate,
                   convert_to_numpy,
                   convert_to_tensor,
                   cos,
                   cumprod,
                   cumsum,
                   diag,
                   divide,
                   dot,
                   einsum,
                   equal,
                   exp,
                   expand_dims,
                   expm1,
                   eye,
                   flip,
                   floor,
                   full,
                   full_like,
                   greater,
                   greater_equal,
                   identity,
                   less,
                   less_equal,
                   linspace,
                   log,
                   log1p,
                   logical_and,
                   logical_not,
                   logical_or,
                   matmul,
                   max,
                   maximum,
                   mean,
                   min,
                   minimum,
                   multiply,
                   ndim,
                   negative,
                   not_equal,
                   ones,
                   ones_like,
                   pad,
                   power,
                   prod,
                   repeat,
                   reshape,
                   roll,
                   round,
                   shape,
                   sign,
                   sin,
                   size,
                   sort,
                   split,
                   sqrt,
                   square,
                   squeeze,
                   stack,
                   std,
                   stop_gradient,
                   subtract,
                   sum,
                   take,
                   take_along_axis,
                   tan,
                   tanh,
                   tensordot,
                   tile,
                   transpose,
                   tril,
                   triu,
                   true_divide,
                   var,
                   where,
                   zeros,
                   zeros_like,
)

# the rest of Keras's ops, one module per family (each lists its names in __all__)
from .numpy_bitwise import *  # noqa: E402, F401, F403
from .numpy_elementwise import *  # noqa: E402, F401, F403
from .math import *  # noqa: E402, F401, F403
from .numpy_arrays import *  # noqa: E402, F401, F403
from .numpy_windows import *  # noqa: E402, F401, F403
from . import linalg  # noqa: E402, F401
from .core_extra import *  # noqa: E402, F401, F403
from .linalg import *  # noqa: E402, F401, F403
from .numpy_nan import *  # noqa: E402, F401, F403
from .numpy_stats import *  # noqa: E402, F401, F403
from . import image  # noqa: E402, F401
from .nn_conv import *  # noqa: E402, F401, F403
from .nn_ctc import *  # noqa: E402, F401, F403
from .nn_extra import *  # noqa: E402, F401, F403
from .einops import rearrange  # noqa: E402, F401
