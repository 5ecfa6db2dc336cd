"""keras.layers.Attention: dot-product (Luong-style) attention of a query over values."""
from __future__ import annotations

import ember

from ...models.keras_tensor import KerasTensor
from ...models.layer import Layer
from ...random.seed_generator import SeedGenerator
from .dot_product import stateless_dropout
from .masks import as_bool, causal_mask


class Attention(Layer):
    """Dot-product attention: ``softmax(query . key^T) @ value``.

    Called on a list ``[query, value]`` or ``[query, value, key]`` of shapes
    ``(batch, Tq, dim)``, ``(batch, Tv, dim)`` and ``(batch, Tv, dim)`` (``key`` defaults
    to ``value``); returns ``(batch, Tq, dim)``. ``use_scale`` learns a scalar the scores
    are multiplied by; ``score_mode="concat"`` scores with
    ``sum(tanh(query + key))`` instead of a dot product. The inputs' masks (or ``mask=
    [query_mask, value_mask]``) keep padded values out and zero padded queries.

    >>> from ember import keras
    >>> q, v = ember.ones((2, 3, 4)), ember.ones((2, 5, 4))
    >>> out, scores = keras.layers.Attention()([q, v], return_attention_scores=True)
    >>> out.shape, scores.shape
    (TensorShape([2, 3, 4]), TensorShape([2, 3, 5]))
    """

    def __init__(self, use_scale: bool = False, score_mode: str = "dot",
                 dropout: float = 0.0, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        if self.dropout > 0:
            self.seed_generator = SeedGenerator(seed)
        if self.score_mode not in ("dot", "concat"):
            raise ValueError("Invalid value for argument score_mode. Expected one of "
                             f"{{'dot', 'concat'}}. Received: score_mode={score_mode}")
        self.supports_masking = True

    def build(self, input_shape) -> None:
        self._validate_inputs(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones",
                                         dtype=self.dtype, trainable=True)
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(name="concat_score_weight", shape=(),
                                                       initializer="ones", dtype=self.dtype,
                                                       trainable=True)
        self.built = True

    def _calculate_scores(self, query, key):
        """Scores ``(batch, Tq, Tv)`` of each query against each key."""
        if self.score_mode == "dot":
            scores = ember.matmul(query, key, transpose_b=True)
            if self.scale is not None:
                scores = scores * self.scale
            return scores
        pairs = ember.expand_dims(query, -2) + ember.expand_dims(key, -3)
        if self.scale is not None:
            pairs = self.scale * pairs
        return self.concat_score_weight * ember.reduce_sum(ember.tanh(pairs), axis=-1)

    def _apply_scores(self, scores, value, scores_mask=None, training=False):
        """``(softmax(scores) @ value, softmax(scores))``; masked scores are lowered by 1e9
        (65504 in float16) first."""
        if scores_mask is not None:
            if scores_mask.ndim == 2:
                scores_mask = ember.expand_dims(scores_mask, -2)
            max_value = 65504.0 if scores.dtype.name == "float16" else 1.0e9
            scores = ember.where(scores_mask, scores, scores - max_value)
        weights = ember.nn.softmax(scores, axis=-1)
        applied = weights
        if training and self.dropout > 0:
            applied = stateless_dropout(weights, self.dropout, self.seed_generator.next())
        return ember.matmul(applied, value), weights

    def _calculate_score_mask(self, scores, v_mask, use_causal_mask: bool):
        if not use_causal_mask:
            return v_mask
        causal = causal_mask(scores.shape[-2], scores.shape[-1])
        if v_mask is None:
            return causal
        return ember.logical_and(ember.expand_dims(v_mask, -2), causal)

    def call(self, inputs, mask=None, training=False, return_attention_scores=False,
             use_causal_mask=False):
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        q_mask = as_bool(mask[0]) if mask and mask[0] is not None else None
        v_mask = as_bool(mask[1]) if mask and mask[1] is not None else None
        scores = self._calculate_scores(query, key)
        scores_mask = self._calculate_score_mask(scores, v_mask, use_causal_mask)
        output, weights = self._apply_scores(scores, value, scores_mask, training)
        if q_mask is not None:
            output = ember.where(ember.expand_dims(q_mask, -1), output,
                                 ember.zeros_like(output))
        if return_attention_scores:
            return output, weights
        return output

    def compute_mask(self, inputs, mask=None):
        self._validate_inputs(inputs, mask)
        if mask is None or mask[0] is None:
            return None
        return ember.convert_to_tensor(mask[0])

    def compute_output_shape(self, input_shape) -> tuple:
        return (*tuple(input_shape[0])[:-1], tuple(input_shape[1])[-1])

    def compute_output_spec(self, inputs, mask=None, return_attention_scores=False,
                            training=None, use_causal_mask=False):
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        out = KerasTensor(self.compute_output_shape([query.shape, value.shape]),
                          self.compute_dtype)
        if return_attention_scores:
            return out, KerasTensor((*query.shape[:-1], key.shape[-2]), self.compute_dtype)
        return out

    def _validate_inputs(self, inputs, mask=None) -> None:
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)):
            message = (f"{name} layer must be called on a list of inputs, namely "
                       f"[query, value] or [query, value, key]. Received: inputs={inputs}.")
            raise ValueError(message)  # noqa: TRY004 - Keras raises ValueError here
        if len(inputs) < 2 or len(inputs) > 3:
            raise ValueError(f"{name} layer accepts inputs list of length 2 or 3, namely "
                             "[query, value] or [query, value, key]. Received length: "
                             f"{len(inputs)}.")
        if mask is not None:
            if not isinstance(mask, (list, tuple)):
                raise ValueError(f"{name} layer mask must be a list, namely [query_mask, "
                                 f"value_mask]. Received: mask={mask}.")
            if len(mask) < 2 or len(mask) > 3:
                raise ValueError(f"{name} layer accepts mask list of length 2 or 3. "
                                 f"Received: inputs={inputs}, mask={mask}.")

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"use_scale": self.use_scale, "score_mode": self.score_mode,
                       "dropout": self.dropout, "seed": self.seed})
        return config
