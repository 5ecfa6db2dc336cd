"""keras.layers.MultiHeadAttention: scaled dot-product attention over several heads, with
query/key/value/output projections held by EinsumDense sublayers."""
from __future__ import annotations

import functools
import math
from typing import Any

import ember
from ember.ops.attention import dot_product_attention_packed

from ... import constraints, initializers, regularizers
from ...models.keras_tensor import KerasTensor
from ..activations.softmax import Softmax
from ..core.einsum_dense import EinsumDense
from ..regularization.dropout import Dropout
from .base_attention import QueryValueAttention
from .call_inputs import attention_call_inputs
from .dot_product import expand_mask, heads_attention, masked_softmax
from .equations import attention_equations, partial_output_shape, projection_equation


def _positive_int(value: Any, name: str, allow_none: bool = False) -> None:
    if allow_none and value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"Received an invalid value for argument `{name}`, expected a "
                         f"positive integer{' or `None`' if allow_none else ''}. "
                         f"Received: {name}={value}")


class MultiHeadAttention(QueryValueAttention):
    """Multi-head attention (Vaswani et al., 2017): ``query``, ``key`` and ``value`` are
    projected to ``num_heads`` heads, each query attends to the keys with softmax
    ``(q . k) / sqrt(key_dim)`` weights, and the heads' weighted values are projected
    back to the query's last dimension (or to ``output_shape``).

    Called as ``layer(query, value, key=None, attention_mask=None,
    return_attention_scores=False, training=None, use_causal_mask=False)``; the Keras
    masks of ``query``, ``value`` and ``key`` are AND-ed into the attention mask.

    >>> from ember import keras
    >>> mha = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
    >>> x = ember.ones((3, 5, 8))
    >>> out, scores = mha(x, x, return_attention_scores=True)
    >>> out.shape, scores.shape
    (TensorShape([3, 5, 8]), TensorShape([3, 2, 5, 5]))
    """

    # self-attention computes its three projections as one einsum (same weights, same math)
    _fuse_projections = True

    def __init__(self, num_heads: int, key_dim: int, value_dim: int | None = None,
                 dropout: float = 0.0, use_bias: bool = True, output_shape: Any = None,
                 attention_axes: Any = None, sliding_window: int | None = None,
                 flash_attention: bool | None = None,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, use_gate: bool = False,
                 seed: int | None = None, **kwargs):
        _positive_int(num_heads, "num_heads")
        _positive_int(key_dim, "key_dim")
        _positive_int(value_dim, "value_dim", allow_none=True)
        super().__init__(**kwargs)
        self.supports_masking = True
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout = dropout
        self._use_bias = use_bias
        self._use_gate = use_gate
        if output_shape:
            if isinstance(output_shape, int):
                output_shape = (output_shape,)
            try:
                output_shape = tuple(output_shape)
            except TypeError:
                raise ValueError(f"Invalid `output_shape`: {output_shape}. When specified, "
                                 "the `output_shape` should be of type tuple, list, or "
                                 "int.") from None
        self._output_shape = output_shape or None
        if flash_attention:
            raise ValueError(f"MultiHeadAttention '{self.name}': flash attention is not "
                             "supported in Ember; use flash_attention=None or False.")
        self._flash_attention = False
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes and not isinstance(attention_axes, (list, tuple)):
            raise ValueError("`attention_axes` must be an int, list, or tuple. "
                             f"Received: attention_axes={attention_axes}")
        self._attention_axes = tuple(attention_axes) if attention_axes else None
        _positive_int(sliding_window, "sliding_window", allow_none=True)
        self._sliding_window = sliding_window
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(self._key_dim))

    # -- read-only views of the settings and sublayers, as Keras exposes them -------------------
    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)
    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    # -- building ------------------------------------------------------------------------------
    def _sublayer_kwargs(self) -> dict:
        return self._common_sublayer_kwargs(
            self._kernel_initializer, self._bias_initializer, self._kernel_regularizer,
            self._bias_regularizer, self._activity_regularizer, self._kernel_constraint,
            self._bias_constraint)

    def _projection(self, input_rank: int, last_dims: list, name: str,
                    activation: Any = None) -> EinsumDense:
        equation, bias_axes, output_rank = projection_equation(input_rank - 1, 1, 2)
        return EinsumDense(equation, output_shape=partial_output_shape(output_rank - 1,
                                                                       last_dims),
                           bias_axes=bias_axes if self._use_bias else None,
                           activation=activation, name=name, **self._sublayer_kwargs())

    def build(self, query_shape, value_shape, key_shape=None) -> None:
        """Create the query, key, (gate,) value and output projections, in Keras's order."""
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError("All dimensions of `value` and `key`, except the last one, "
                             f"must be equal. Received: value_shape={value_shape} and "
                             f"key_shape={key_shape}")
        heads = self._num_heads
        self._query_dense = self._projection(len(query_shape), [heads, self._key_dim],
                                             "query")
        self._query_dense._maybe_build(query_shape)
        self._key_dense = self._projection(len(key_shape), [heads, self._key_dim], "key")
        self._key_dense._maybe_build(key_shape)
        if self._use_gate:
            self._gate_dense = self._projection(len(query_shape), [heads, self._value_dim],
                                                "gate", activation="sigmoid")
            self._gate_dense._maybe_build(query_shape)
        self._value_dense = self._projection(len(value_shape), [heads, self._value_dim],
                                             "value")
        self._value_dense._maybe_build(value_shape)
        self._build_attention(len(value_shape) + 1)
        self._output_dense = self._make_output_dense(query_shape, self._sublayer_kwargs(),
                                                     "attention_output")
        dense_in = list(self._query_dense.compute_output_shape(query_shape))
        dense_in[-1] = self._value_dim
        self._output_dense._maybe_build(tuple(dense_in))
        self.built = True

    def _make_output_dense(self, query_shape, common_kwargs: dict,
                           name: str | None = None) -> EinsumDense:
        """The projection from ``(..., heads, value_dim)`` to ``output_shape`` (default: the
        query's last dimension)."""
        out = list(self._output_shape) if self._output_shape else [query_shape[-1]]
        equation, bias_axes, output_rank = projection_equation(len(query_shape) - 1, 2,
                                                               len(out))
        return EinsumDense(equation, output_shape=partial_output_shape(output_rank - 1, out),
                           bias_axes=bias_axes if self._use_bias else None, name=name,
                           **common_kwargs)

    def _build_attention(self, rank: int) -> None:
        """Equations, softmax axes and dropout for projected tensors of ``rank``."""
        if self._attention_axes is None:
            self._attention_axes = tuple(range(1, rank - 2))
        else:
            self._attention_axes = tuple(a if a >= 0 else (rank - 1) + a
                                         for a in self._attention_axes)
        self._dot_product_equation, self._combine_equation, scores_rank = \
            attention_equations(rank, self._attention_axes)
        n = len(self._attention_axes)
        self._norm_axes = tuple(range(scores_rank - n, scores_rank))
        self._standard_layout = rank == 4 and self._attention_axes == (1,)
        self._softmax = Softmax(axis=self._norm_axes, dtype=self.dtype_policy)
        self._dropout_layer = Dropout(rate=self._dropout, dtype=self.dtype_policy,
                                      seed=self.seed)

    # -- computing -----------------------------------------------------------------------------
    def _masked_softmax(self, attention_scores, attention_mask=None):
        """Softmax over the attention axes with Keras's Softmax-layer masking."""
        if attention_mask is not None:
            attention_mask = expand_mask(attention_mask, attention_scores.ndim,
                                         -len(self._attention_axes) * 2 - 1)
        return masked_softmax(attention_scores, attention_mask, self._norm_axes, True)

    def _compute_attention(self, query, key, value, attention_mask=None, training=None,
                           return_attention_scores=False):
        """Attention of projected ``query (B, T, N, key_dim)`` over ``key``/``value``;
        returns ``(output (B, T, N, value_dim), scores (B, N, T, S))``."""
        return self._attend(query, key, value, attention_mask, training,
                            return_attention_scores, self._inverse_sqrt_key_dim)

    def _attend(self, query, key, value, attention_mask, training, return_attention_scores,
                scale: float):
        """``_compute_attention`` with the query scale given (1.0 once it is folded into
        the query projection).

        Without dropout and score outputs, Keras runs a fused dot-product attention whose
        fully masked rows come out uniform; otherwise its Softmax layer zeroes them. Ember
        follows both.
        """
        dropout = None
        if self._dropout > 0.0 and training:
            dropout = functools.partial(self._dropout_layer, training=training)
        fused = not (self._dropout > 0.0 or return_attention_scores or query.ndim != 4)
        if self._standard_layout:
            mask = None if attention_mask is None else \
                expand_mask(attention_mask, 4, -3)
            return heads_attention(query, key, value, mask, scale, zero_masked=not fused,
                                   dropout=dropout)
        if scale != 1.0:
            query = query * scale
        scores = ember.einsum(self._dot_product_equation, key, query)
        scores = self._masked_softmax(scores, attention_mask)
        weights = scores if dropout is None else dropout(scores)
        return ember.einsum(self._combine_equation, weights, value), scores

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        value, key, attention_mask = attention_call_inputs(
            self, query, value, key, query_mask, value_mask, key_mask, attention_mask,
            use_causal_mask, self._sliding_window)
        gate = self._gate_dense(query) if self._use_gate else None
        if value is query and key is value and self._can_fuse_projections(query):
            proj = self._fused_self_projection(query)
            if self._dropout > 0.0 or return_attention_scores or \
                    proj.dtype not in (ember.float32, ember.float64):
                heads = self._num_heads
                query, key, value = ember.split(proj, [heads, heads, heads], axis=2)
                output, scores = self._attend(query, key, value, attention_mask, training,
                                              return_attention_scores, 1.0)
            else:       # Keras's fused attention, on the heads as they lie in ``proj``
                mask = None if attention_mask is None else \
                    expand_mask(attention_mask, 4, -3)
                output, scores = dot_product_attention_packed(proj, self._num_heads, mask)
        else:
            query = self._query_dense(query)
            key = self._key_dense(key)
            value = self._value_dense(value)
            output, scores = self._compute_attention(query, key, value, attention_mask,
                                                     training, return_attention_scores)
        if gate is not None:
            output = output * gate
        output = self._output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

    def _can_fuse_projections(self, x) -> bool:
        dense = (self._query_dense, self._key_dense, self._value_dense)
        # the three kernels are stacked along the heads axis: they need one head size
        return (self._fuse_projections and self._standard_layout and x.ndim == 3
                and self._key_dim == self._value_dim
                and type(self)._compute_attention is MultiHeadAttention._compute_attention
                and self.compute_dtype == self.variable_dtype
                and all(d.activity_regularizer is None for d in dense))

    def _fused_self_projection(self, x):
        """Self-attention's three projections as one einsum over concatenated kernels,
        the query's ``1 / sqrt(key_dim)`` folded into its kernel and bias: the heads of
        query, key and value stacked, ``(B, T, 3 * heads, key_dim)``."""
        qd, kd, vd = self._query_dense, self._key_dense, self._value_dense
        scale = self._inverse_sqrt_key_dim
        kernel = ember.concat([qd.kernel * scale, kd.kernel, vd.kernel], axis=1)
        proj = ember.einsum(qd.equation, x, kernel)
        if qd.bias is not None:
            proj = proj + ember.concat([qd.bias * scale, kd.bias, vd.bias], axis=0)
        return proj

    # -- shapes and config ---------------------------------------------------------------------
    def compute_output_shape(self, query_shape, value_shape, key_shape=None) -> tuple:
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError("All dimensions of `value` and `key`, except the last one, "
                             f"must be equal. Received: value_shape={value_shape} and "
                             f"key_shape={key_shape}")
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape

    def _scores_shape(self, query_shape: tuple, value_shape: tuple) -> tuple:
        rank = len(query_shape) + 1
        axes = self._attention_axes or tuple(range(1, rank - 2))
        axes = tuple(a if a >= 0 else (rank - 1) + a for a in axes)
        batch = [query_shape[i] for i in range(rank - 2) if i not in axes]
        return tuple(batch + [self._num_heads] + [query_shape[a] for a in axes] +
                     [value_shape[a] for a in axes])

    def compute_output_spec(self, query, value, key=None, query_mask=None, value_mask=None,
                            key_mask=None, attention_mask=None, return_attention_scores=False,
                            training=None, use_causal_mask=False):
        out = KerasTensor(self.compute_output_shape(
            query.shape, value.shape, None if key is None else key.shape), self.compute_dtype)
        if return_attention_scores:
            return out, KerasTensor(self._scores_shape(tuple(query.shape),
                                                       tuple(value.shape)),
                                    self.compute_dtype)
        return out

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "use_gate": self._use_gate,
            "output_shape": self._output_shape,
            "attention_axes": self._attention_axes,
            "sliding_window": self._sliding_window,
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            "kernel_regularizer": regularizers.serialize(self._kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self._bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "kernel_constraint": constraints.serialize(self._kernel_constraint),
            "bias_constraint": constraints.serialize(self._bias_constraint),
            "seed": self.seed,
        })
        return config
