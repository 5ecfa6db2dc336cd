"""Where each public name lives: the tables behind ember's lazy namespaces.

One table per public namespace, in TensorFlow's shape: ``ember`` (tf), ``ember.math``,
``ember.nn``, ``ember.linalg``, ``ember.random``.
"""
from __future__ import annotations

from ._lazy import names

_EW = "ember.ops.elementwise"
ELEMENTWISE = names(
    _EW, "add", "subtract", "multiply", "divide", "truediv", "floordiv", "floormod", "mod",
    "pow", "negative", "abs", "sign", "exp", "expm1", "log", "log1p", "sqrt", "rsqrt",
    "square", "reciprocal", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh",
    "cosh", "tanh", "asinh", "acosh", "atanh", "sigmoid", "erf", "maximum", "minimum",
    "clip_by_value", "round", "floor", "ceil", "equal", "not_equal", "less", "less_equal",
    "greater", "greater_equal", "logical_and", "logical_or", "logical_xor", "logical_not",
    "where", "is_nan", "is_inf", "is_finite", "cast", "saturate_cast", "stop_gradient",
    multiply_no_nan="multiply_no_nan", divide_no_nan="divide_no_nan", neg="negative",
    squared_difference="squared_difference", erfc="erfc", xlogy="xlogy",
    reciprocal_no_nan="reciprocal_no_nan",
    add_n="add_n", scalar_mul="scalar_mul",
)
REDUCTION = names(
    "ember.ops.reduction", "reduce_sum", "reduce_mean", "reduce_max", "reduce_min",
    "reduce_prod", "reduce_std", "reduce_variance", "reduce_logsumexp", "reduce_all",
    "reduce_any", "reduce_euclidean_norm", "argmax", "argmin", "cumsum", "cumprod",
    "count_nonzero",
)
SORTING = names("ember.ops.sorting", "top_k", "sort", "argsort", "in_top_k")
CREATION = names(
    "ember.ops.creation", "constant", "convert_to_tensor", "zeros", "ones", "fill",
    "zeros_like", "ones_like", "range", "linspace", "eye", "identity", "shape", "shape_n",
    "rank", "size", "is_tensor",
)
SHAPE = names(
    "ember.ops.shape", "reshape", "transpose", "expand_dims", "squeeze", "concat", "stack",
    "unstack", "split", "tile", "repeat", "pad", "broadcast_to", "reverse", "roll",
    "broadcast_static_shape", "broadcast_dynamic_shape", "meshgrid", "ensure_shape",
)
INDEXING = names(
    "ember.ops.indexing", "slice", "strided_slice", "tensor_strided_slice_update", "gather",
    "gather_nd", "scatter_nd",
    "tensor_scatter_nd_update", "tensor_scatter_nd_add", "tensor_scatter_nd_sub",
    "boolean_mask", "one_hot", "unravel_index",
)
LINALG = names(
    "ember.ops.linalg", "matmul", "einsum", "tensordot", "norm", "inv", "det", "solve",
    "cholesky", "qr", "svd", "eigh", "trace", "diag_part", "diag", "matrix_transpose",
    "logdet", "slogdet", "pinv", "triangular_solve", "cross", "band_part", "eigvalsh",
    "matvec", "l2_normalize", "global_norm",
)
ACTIVATIONS = names(
    "ember.ops.activations", "relu", "relu6", "elu", "selu", "gelu", "softplus", "softsign",
    "silu", "leaky_relu", "softmax", "log_softmax", "swish", "crelu", "hard_sigmoid",
    "mish", "log_sigmoid",
)
NN = names(
    "ember.ops.nn", "sigmoid_cross_entropy_with_logits", "softmax_cross_entropy_with_logits",
    "sparse_softmax_cross_entropy_with_logits", "l2_loss", "moments",
    "batch_normalization", "bias_add", "weighted_cross_entropy_with_logits",
    "normalize_moments", "fused_batch_norm", "weighted_moments", "log_poisson_loss",
    "compute_average_loss", "scale_regularization_loss", "local_response_normalization",
)
CONV = names(
    "ember.ops.conv", "conv1d", "conv2d", "conv3d", "depthwise_conv2d", "conv2d_transpose",
    "conv1d_transpose", "conv3d_transpose", "convolution", "conv_transpose",
    "separable_conv2d", "atrous_conv2d",
)
POOL = names(
    "ember.ops.pool", "max_pool", "avg_pool", "max_pool1d", "max_pool2d", "max_pool3d",
    "avg_pool1d", "avg_pool2d", "avg_pool3d", "pool",
)
RANDOM = names(
    "ember.ops.random", "normal", "uniform", "truncated_normal", "categorical", "shuffle",
    "stateless_normal", "stateless_uniform", "stateless_truncated_normal",
    "stateless_categorical", "Generator", "set_seed", "get_global_generator",
    "set_global_generator",
)
DROPOUT = names("ember.ops.random", "dropout")

# ember.math: elementwise, reductions, sorting and a few linalg/activation names
MATH = {**ELEMENTWISE, **REDUCTION, **SORTING,
        **names("ember.ops.activations", "softplus", "log_softmax", "softsign",
                "log_sigmoid"),
        **names("ember.ops.linalg", "l2_normalize")}
MATH.update(names("ember.ops.sorting", "top_k", "in_top_k", "is_non_decreasing",
                  "is_strictly_increasing", "invert_permutation"))
MATH.update(names(_EW, "rint", "xdivy", "polyval", "accumulate_n"))
MATH.update(names("ember.ops.reduction", "cumulative_logsumexp", "zero_fraction"))
MATH.update(names("ember.ops.linalg", "matmul"))
MATH.update(names("ember.ops.special_erfinv", "erfinv", "ndtri"))
MATH.update(names("ember.ops.special_gamma", "lgamma", "digamma", "lbeta"))
MATH.update(names("ember.ops.order_statistics", "bincount"))
MATH.update(names("ember.ops.confusion_matrix", "confusion_matrix"))
MATH.update(names("ember.ops.segment", "segment_sum", "segment_max", "segment_min",
                  "segment_prod", "unsorted_segment_sum", "unsorted_segment_max",
                  "unsorted_segment_min", "unsorted_segment_prod", "segment_mean",
                  "unsorted_segment_mean", "unsorted_segment_sqrt_n"))
MATH.update(names("ember.ops.special_functions", "bessel_i0", "bessel_i1", "nextafter",
                  "real", "imag", "conj", "angle"))
NN_NAMESPACE = {**ACTIVATIONS, **NN, **CONV, **POOL, **DROPOUT,
                **names(_EW, "sigmoid", "tanh"), **names("ember.ops.sorting", "top_k",
                                                            "in_top_k"),
                **names("ember.ops.indexing", "embedding_lookup"),
                **names("ember.ops.linalg", "l2_normalize"),
                **names("ember.ops.rnn_cells", "lstm_sequence", "gru_sequence",
                        "simple_rnn_sequence"),
                **names("ember.ops.block_rearrange", "space_to_depth", "depth_to_space"),
                **names("ember.ops.nn", lrn="local_response_normalization")}
LINALG_NAMESPACE = {**LINALG, **names("ember.ops.creation", "eye"),
                    **names("ember.ops.linalg_extra", "eig"),
                    **names("ember.ops.linalg", "adjoint"),
                    **names("ember.ops.diagonals", "set_diag", "tensor_diag",
                            "tensor_diag_part")}
RANDOM_NAMESPACE = RANDOM
RAW_OPS_NAMESPACE = {**names("ember.ops.training", "apply_adam", "apply_gradient_descent",
                            "apply_momentum"),
                     **names("ember.ops.nn", "layer_norm")}
MATH_NAMESPACE = MATH

TOP = {**ELEMENTWISE, **REDUCTION, **SORTING, **CREATION, **SHAPE, **INDEXING,
       **names("ember.ops.linalg", "matmul", "einsum", "tensordot", "norm"),
       **names("ember.ops.bitwise", "bitwise_and", "bitwise_or", "bitwise_xor", "invert",
               "left_shift", "right_shift"),
       }
TOP.update(names("ember.ops.sequences", "sequence_mask", "reverse_sequence"))
TOP.update(names("ember.ops.unique", "unique", "unique_with_counts"))
TOP.update(names("ember.ops.partition", "dynamic_partition", "dynamic_stitch"))
TOP.update(names("ember.ops.block_rearrange", "space_to_batch_nd", "space_to_batch",
                 "batch_to_space"))
TOP.update(names("ember.ops.clipping", "clip_by_norm", "clip_by_global_norm"))
TOP.update(names("ember.ops.special_functions", "complex"))
TOP.update(names("ember.ops.bitcast", "bitcast"))
TOP.update(names("ember.ops.tensor_array", "TensorArray"))
TOP.update(names("ember.ops.order_statistics", "searchsorted", "histogram_fixed_width"))
TOP.update(names("ember.ops.linalg_extra", "tensor_scatter_nd_max", "tensor_scatter_nd_min"))
TOP.update({
    "math": "ember.math:", "nn": "ember.nn:", "linalg": "ember.linalg:",
    "random": "ember.random:", "raw_ops": "ember.raw_ops:", "signal": "ember.signal:",
    "image": "ember.image:",
    "data": "ember.data:", "errors": "ember.core.errors:", "nest": "ember.core.nest:",
    "bitwise": "ember.ops.bitwise:", "dtypes": "ember.core.dtypes:",
    "sigmoid": f"{_EW}:sigmoid", "tanh": f"{_EW}:tanh",
    "newaxis": "ember.ops.indexing:newaxis",
    "keras": "ember.keras:",
    "train": "ember.train:",
    "function": "ember.graph.function:function",
    "Module": "ember.module:Module", "name_scope": "ember.module:name_scope",
    "cond": "ember.graph.control_flow:cond",
    "while_loop": "ember.graph.control_flow:while_loop",
    "scan": "ember.graph.control_flow:scan",
    "map_fn": "ember.graph.control_flow:map_fn",
    "switch_case": "ember.graph.control_flow.combinators:switch_case",
    "case": "ember.graph.control_flow.combinators:case",
    "foldl": "ember.graph.control_flow.combinators:foldl",
    "foldr": "ember.graph.control_flow.combinators:foldr",
    "vectorized_map": "ember.graph.control_flow.combinators:vectorized_map",
    "no_op": "ember.graph.control_flow.combinators:no_op",
    "print": "ember.graph.printing:print",
    "TensorSpec": "ember.graph.tensor_spec:TensorSpec",
    "numpy_function": "ember.graph.host_call:numpy_function",
    "py_function": "ember.graph.host_call:py_function",
    "inside_function": "ember.graph.context:inside_function",
    "executing_eagerly": "ember.graph.context:executing_eagerly",
    "init_scope": "ember.graph.context:init_scope",
    "get_static_value": "ember.graph.context:get_static_value",
    "config": "ember.config:",
    "debugging": "ember.debugging:",
    "gradients": "ember.autodiff.symbolic_gradients:gradients",
    "Assert": "ember.debugging:Assert", "assert_equal": "ember.debugging:assert_equal",
    "assert_greater": "ember.debugging:assert_greater",
    "assert_less": "ember.debugging:assert_less", "assert_rank": "ember.debugging:assert_rank",
})
