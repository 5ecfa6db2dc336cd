"""keras.layers.Embedding: integer indices to rows of a trainable ``embeddings`` matrix."""
from __future__ import annotations

import warnings
from typing import Any

import ember

from ... import constraints, initializers, regularizers
from ...models.layer import Layer


class Embedding(Layer):
    """Turns non-negative integer indices into dense vectors of size ``output_dim``.

    ``mask_zero=True`` makes index 0 padding: the output carries a mask that is False
    where the input is 0, and downstream layers that support masking receive it.

    >>> from ember import keras
    >>> layer = keras.layers.Embedding(input_dim=10, output_dim=4, mask_zero=True)
    >>> out = layer(ember.constant([[1, 2, 0]]))
    >>> out.shape, out._keras_mask.numpy().tolist()
    (TensorShape([1, 3, 4]), [[True, True, False]])
    """

    def __init__(self, input_dim: int, output_dim: int,
                 embeddings_initializer: Any = "uniform", embeddings_regularizer: Any = None,
                 embeddings_constraint: Any = None, mask_zero: bool = False,
                 weights: Any = None, lora_rank: int | None = None,
                 lora_alpha: float | None = None, quantization_config: Any = None, **kwargs):
        for arg, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"`{arg}` must be a positive integer. Received: "
                                 f"{arg}={value} (of type {type(value).__name__}).")
        if kwargs.pop("input_length", None) is not None:
            warnings.warn("Argument `input_length` is deprecated. Just remove it.",
                          stacklevel=2)
        super().__init__(**kwargs)
        if lora_rank or quantization_config is not None:
            raise NotImplementedError(
                f"Embedding '{self.name}': LoRA and quantization are not supported in Ember "
                f"yet (got lora_rank={lora_rank!r}, quantization_config="
                f"{quantization_config!r}).")
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self.autocast = False
        self.lora_rank = None
        self.lora_alpha = None
        self.lora_enabled = False
        self.quantization_config = None
        if weights is not None:
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    def build(self, input_shape=None):
        if self.built:
            return
        self.embeddings = self.add_weight(
            name="embeddings", shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint)
        self.built = True

    def call(self, inputs):
        if inputs.dtype.name not in ("int32", "int64"):
            inputs = ember.cast(inputs, "int32")
        outputs = ember.gather(self.embeddings, inputs, axis=0)
        if outputs.dtype.name != self.compute_dtype:
            outputs = ember.cast(outputs, self.compute_dtype)
        return outputs

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ember.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape), self.output_dim)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": None,
        })
        return config
