"""The start of a multi-head attention call shared by MultiHeadAttention and
GroupedQueryAttention: ``value``/``key`` as tensors and one merged attention mask."""
from __future__ import annotations

from typing import Any

from .base_attention import QueryValueAttention, keras_mask
from .masks import merge_attention_masks


def attention_call_inputs(layer: QueryValueAttention, query: Any, value: Any, key: Any,
                          query_mask: Any, value_mask: Any, key_mask: Any,
                          attention_mask: Any, use_causal_mask: bool,
                          sliding_window: int | None) -> tuple:
    """``(value, key, attention_mask)`` for ``layer``'s call: ``value`` and ``key`` (``value``
    when no key is given) converted by ``layer._as_input``, and the explicit
    ``attention_mask`` AND-ed with the inputs' Keras masks (those not passed explicitly),
    the causal mask and the sliding window.

    >>> import ember
    >>> from ember import keras
    >>> mha = keras.layers.MultiHeadAttention(num_heads=1, key_dim=2)
    >>> x = ember.ones((1, 3, 2))
    >>> v, k, m = attention_call_inputs(mha, x, x, None, None, None, None, None, True, None)
    >>> k is v, tuple(m.shape)
    (True, (1, 3, 3))
    """
    key_given = key is not None
    if query_mask is None:
        query_mask = keras_mask(query)
    if value_mask is None:
        value_mask = keras_mask(value)
    if key_mask is None and key_given:
        key_mask = keras_mask(key)
    value = layer._as_input(value)
    key = layer._as_input(key) if key_given else value
    attention_mask = merge_attention_masks(
        query.shape[1], value.shape[1], query_mask, value_mask, key_mask,
        attention_mask, use_causal_mask, sliding_window)
    return value, key, attention_mask
