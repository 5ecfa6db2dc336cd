"""keras.layers.GroupedQueryAttention (also GroupQueryAttention): attention where groups of
query heads share one key/value head (Ainslie et al., 2023)."""
from __future__ import annotations

import functools
import math
from typing import Any

import ember

from ... import constraints, initializers, regularizers
from ...models.keras_tensor import KerasTensor
from ..activations.softmax import Softmax
from ..core.einsum_dense import EinsumDense
from ..regularization.dropout import Dropout
from .base_attention import QueryValueAttention
from .call_inputs import attention_call_inputs
from .dot_product import expand_mask, heads_attention, masked_softmax


class GroupedQueryAttention(QueryValueAttention):
    """Grouped-query attention: ``num_query_heads`` query heads of size ``head_dim``
    attend over ``num_key_value_heads`` key/value heads, each shared by
    ``num_query_heads // num_key_value_heads`` consecutive query heads. With as many
    key/value heads as query heads it is multi-head attention; with one, multi-query.

    Inputs are ``(batch, seq, feature_dim)``; the output has the query's shape. Called as
    ``layer(query, value, key=None, attention_mask=None, return_attention_scores=False,
    training=None, use_causal_mask=False)``.

    >>> from ember import keras
    >>> gqa = keras.layers.GroupedQueryAttention(head_dim=4, num_query_heads=4,
    ...                                          num_key_value_heads=2)
    >>> x = ember.ones((2, 3, 8))
    >>> out, scores = gqa(x, x, return_attention_scores=True)
    >>> out.shape, scores.shape
    (TensorShape([2, 3, 8]), TensorShape([2, 4, 3, 3]))
    """

    def __init__(self, head_dim: int, num_query_heads: int, num_key_value_heads: int,
                 dropout: float = 0.0, use_bias: bool = True,
                 sliding_window: int | None = None, flash_attention: bool | None = None,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, use_gate: bool = False,
                 seed: int | None = None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.supports_masking = True
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError("`num_query_heads` must be divisible by `num_key_value_heads`. "
                             f"Received: num_query_heads={num_query_heads}, "
                             f"num_key_value_heads={num_key_value_heads}")
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout = dropout
        self.use_bias = use_bias
        self.use_gate = use_gate
        if sliding_window is not None and (not isinstance(sliding_window, int)
                                           or sliding_window <= 0):
            raise ValueError("`sliding_window` must be `None` or a positive integer. "
                             f"Received: sliding_window={sliding_window}")
        self.sliding_window = sliding_window
        if flash_attention:
            raise ValueError(f"GroupedQueryAttention '{self.name}': flash attention is not "
                             "supported in Ember; use flash_attention=None or False.")
        self._flash_attention = False
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(self.head_dim))
        self._return_attention_scores = False

    def _sublayer_kwargs(self) -> dict:
        return self._common_sublayer_kwargs(
            self.kernel_initializer, self.bias_initializer, self.kernel_regularizer,
            self.bias_regularizer, self.activity_regularizer, self.kernel_constraint,
            self.bias_constraint)

    def _projection(self, equation: str, heads: int, bias_axes: str, name: str,
                    activation: Any = None) -> EinsumDense:
        return EinsumDense(equation, output_shape=(None, heads, self.head_dim),
                           bias_axes=bias_axes if self.use_bias else None,
                           activation=activation, name=name, **self._sublayer_kwargs())

    def build(self, query_shape, value_shape, key_shape=None) -> None:
        """Create the query, key, (gate,) value and output projections, in Keras's order."""
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        for which, shape in (("query", query_shape), ("value", value_shape),
                             ("key", key_shape)):
            if len(shape) != 3:
                raise ValueError(f"GroupedQueryAttention '{self.name}' expects `{which}` of "
                                 f"shape (batch, seq, features); received {shape}")
        self.feature_dim = query_shape[-1]
        self._query_dense = self._projection("bqm,muh->bquh", self.num_query_heads, "uh",
                                             "query")
        self._query_dense._maybe_build(query_shape)
        self._key_dense = self._projection("bkm,mvh->bkvh", self.num_key_value_heads, "vh",
                                           "key")
        self._key_dense._maybe_build(key_shape)
        if self.use_gate:
            self._gate_dense = self._projection("bqm,muh->bquh", self.num_query_heads, "uh",
                                                "gate", activation="sigmoid")
            self._gate_dense._maybe_build(query_shape)
        self._value_dense = self._projection("bkm,mvh->bkvh", self.num_key_value_heads,
                                             "vh", "value")
        self._value_dense._maybe_build(value_shape)
        self._softmax = Softmax(axis=-1, dtype=self.dtype_policy)
        self._dropout_layer = Dropout(rate=self.dropout, dtype=self.dtype_policy,
                                      seed=self.seed)
        self._dot_product_equation = "bquh,bkuh->buqk"
        self._combine_equation = "buqk,bkuh->bquh"
        self._output_dense = EinsumDense("bquh,uhm->bqm", output_shape=(None,
                                                                      self.feature_dim),
                                         bias_axes="m" if self.use_bias else None,
                                         name="attention_output", **self._sublayer_kwargs())
        self._output_dense._maybe_build((None, None, self.num_query_heads, self.head_dim))
        self.built = True

    def _compute_attention(self, query, key, value, attention_mask=None, training=None):
        """Attention of projected ``query (B, T, Nq, H)`` over key/value heads already
        repeated to ``Nq``; returns ``(output (B, T, Nq, H), scores (B, Nq, T, S))``."""
        fused = not (self.dropout > 0.0 or self._return_attention_scores)
        dropout = None
        if self.dropout > 0.0 and training:
            dropout = functools.partial(self._dropout_layer, training=training)
        mask = None if attention_mask is None else expand_mask(attention_mask, 4, -3)
        return heads_attention(query, key, value, mask, self._inverse_sqrt_head_dim,
                               zero_masked=not fused, dropout=dropout)

    def _masked_softmax(self, scores, attention_mask=None):
        if attention_mask is not None:
            attention_mask = expand_mask(attention_mask, scores.ndim, -3)
        return masked_softmax(scores, attention_mask, -1, True)

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        self._return_attention_scores = return_attention_scores
        value, key, attention_mask = attention_call_inputs(
            self, query, value, key, query_mask, value_mask, key_mask, attention_mask,
            use_causal_mask, self.sliding_window)
        gate = self._gate_dense(query) if self.use_gate else None
        query = self._query_dense(query)
        key = self._key_dense(key)
        value = self._value_dense(value)
        if self.num_repeats > 1:
            key = ember.repeat(key, self.num_repeats, axis=2)
            value = ember.repeat(value, self.num_repeats, axis=2)
        output, scores = self._compute_attention(query, key, value, attention_mask, training)
        if gate is not None:
            output = output * gate
        output = self._output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

    def compute_output_shape(self, query_shape, value_shape, key_shape=None) -> tuple:
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if query_shape[-1] != value_shape[-1]:
            raise ValueError("The last dimension of `query_shape` and `value_shape` must be "
                             f"equal, but are {query_shape[-1]}, {value_shape[-1]}. "
                             f"Received: query_shape={query_shape}, "
                             f"value_shape={value_shape}")
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError("All dimensions of `value` and `key`, except the last one, "
                             f"must be equal. Received: value_shape={value_shape} and "
                             f"key_shape={key_shape}")
        return query_shape

    def compute_output_spec(self, query, value, key=None, query_mask=None, value_mask=None,
                            key_mask=None, attention_mask=None, return_attention_scores=False,
                            training=None, use_causal_mask=False):
        out = KerasTensor(self.compute_output_shape(
            query.shape, value.shape, None if key is None else key.shape), self.compute_dtype)
        if return_attention_scores:
            kv_len = value.shape[1] if key is None else key.shape[1]
            return out, KerasTensor((query.shape[0], self.num_query_heads, query.shape[1],
                                     kv_len), self.compute_dtype)
        return out

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "use_bias": self.use_bias,
            "use_gate": self.use_gate,
            "sliding_window": self.sliding_window,
            "dropout": self.dropout,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "seed": self.seed,
        })
        return config


GroupQueryAttention = GroupedQueryAttention
