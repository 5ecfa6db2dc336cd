"""keras.layers.AdditiveAttention: Bahdanau-style attention,
``scores = reduce_sum(scale * tanh(query + key), axis=-1)``."""
from __future__ import annotations

import ember

from .attention import Attention


class AdditiveAttention(Attention):
    """Additive attention: each query is scored against each key by
    ``sum(scale * tanh(query + key))`` over the features (``scale`` is a learned
    ``(dim,)`` vector when ``use_scale``), then the values are averaged with the
    softmax of the scores. Inputs, masks and outputs are as in ``Attention``.

    >>> from ember import keras
    >>> q, v = ember.ones((2, 3, 4)), ember.ones((2, 5, 4))
    >>> keras.layers.AdditiveAttention()([q, v]).shape
    TensorShape([2, 3, 4])
    """

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape) -> None:
        self._validate_inputs(input_shape)
        dim = input_shape[0][-1]
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(dim,),
                                         initializer="glorot_uniform", dtype=self.dtype,
                                         trainable=True)
        self.built = True

    def _calculate_scores(self, query, key):
        pairs = ember.tanh(ember.expand_dims(query, -2) + ember.expand_dims(key, -3))
        if self.scale is not None:
            pairs = self.scale * pairs
        return ember.reduce_sum(pairs, axis=-1)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["score_mode"]
        return config
