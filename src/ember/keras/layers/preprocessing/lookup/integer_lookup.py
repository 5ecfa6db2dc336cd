"""keras.layers.IntegerLookup: integers to vocabulary indices (and back with ``invert``)."""
from __future__ import annotations

from typing import Any

from .index_lookup import IndexLookup


class IntegerLookup(IndexLookup):
    """Maps integers to contiguous indices through a vocabulary, given or learned by
    ``adapt``. Inputs are Ember integer tensors, NumPy arrays or (nested) lists; outputs
    are int64 tensors (float for ``"tf_idf"``). ``invert=True`` maps indices back.

    Out-of-vocabulary values go to index ``1`` (``0`` without a mask token) or, with
    ``num_oov_indices > 1``, to ``value % num_oov_indices`` (``oov_method="floormod"``)
    or a FarmHash64 bucket of the value's decimal text (``oov_method="farmhash"``).

    >>> layer = IntegerLookup(vocabulary=[12, 36, 1138, 42])
    >>> layer([[12, 1138, 42], [42, 1000, 36]]).numpy().tolist()
    [[1, 3, 4], [4, 0, 2]]
    """

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1,
                 mask_token: int | None = None, oov_token: int = -1,
                 vocabulary: Any = None, vocabulary_dtype: str = "int64",
                 idf_weights: Any = None, invert: bool = False, output_mode: str = "int",
                 sparse: bool = False, pad_to_max_tokens: bool = False,
                 oov_method: str = "floormod", salt: Any = None, name: str | None = None,
                 **kwargs):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError("If `max_tokens` is set for `IntegerLookup`, it must be "
                             f"greater than 1. Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError("The value of `num_oov_indices` argument for `IntegerLookup` "
                             f"must >= 0. Received: num_oov_indices={num_oov_indices}")
        if vocabulary_dtype != "int64":
            raise ValueError("Only `vocabulary_dtype='int64'` is supported at this time. "
                             f"Received: vocabulary_dtype={vocabulary_dtype}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         vocabulary_dtype=vocabulary_dtype, idf_weights=idf_weights,
                         invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method,
                         salt=salt, name=name, **kwargs)

    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learn the vocabulary from integers: an array-like (each element of a rank-1
        array is a document), a tensor, or an iterable of batches.

        >>> layer = IntegerLookup()
        >>> layer.adapt([12, 36, 12, 7])
        >>> layer.get_vocabulary()
        [-1, 12, 36, 7]
        """
        super().adapt(data, steps=steps)

    def get_config(self) -> dict:
        config = super().get_config()
        if config["oov_token"] is not None:
            config["oov_token"] = int(config["oov_token"])
        if config["mask_token"] is not None:
            config["mask_token"] = int(config["mask_token"])
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config
