"""keras.layers.StringLookup: strings to vocabulary indices (and back with ``invert``)."""
from __future__ import annotations

from typing import Any

from .index_lookup import IndexLookup


class StringLookup(IndexLookup):
    """Maps strings to integer indices through a vocabulary, given or learned by ``adapt``.

    Ember tensors hold no strings, so inputs are Python ``str``, (nested) lists of them,
    or NumPy arrays of ``str`` / ``bytes`` / ``object`` strings (``bytes`` decoded with
    ``encoding``); outputs are Ember int64 tensors (float for ``"tf_idf"``). With
    ``invert=True`` the layer maps integer indices (tensors or arrays) back to strings
    and returns a NumPy ``str`` array.

    Index layout in ``"int"`` mode: the mask token (if any) at 0, then
    ``num_oov_indices`` OOV indices (out-of-vocabulary strings are hashed among them with
    FarmHash64, or keyed SipHash with ``salt``), then the vocabulary.

    >>> layer = StringLookup(vocabulary=["a", "b", "c", "d"])
    >>> layer([["a", "c", "d"], ["d", "z", "b"]]).numpy().tolist()
    [[1, 3, 4], [4, 0, 2]]
    >>> StringLookup(vocabulary=["a", "b"], invert=True)([[1, 2, 5]]).tolist()
    [['a', 'b', '[UNK]']]
    """

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1,
                 mask_token: str | None = None, oov_token: str = "[UNK]",
                 vocabulary: Any = None, idf_weights: Any = None, invert: bool = False,
                 output_mode: str = "int", pad_to_max_tokens: bool = False,
                 sparse: bool = False, encoding: str = "utf-8", name: str | None = None,
                 salt: Any = None, **kwargs):
        kwargs.pop("vocabulary_dtype", None)
        self.encoding = encoding
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         salt=salt, vocabulary_dtype="string", **kwargs)

    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learn the vocabulary from strings: an array-like (each element of a rank-1
        array is a document) or an iterable of batches.

        >>> layer = StringLookup()
        >>> layer.adapt(["b", "a", "b", "c"])
        >>> layer.get_vocabulary()
        ['[UNK]', 'b', 'c', 'a']
        """
        super().adapt(data, steps=steps)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["vocabulary_dtype"]   # strings have one dtype: Keras leaves it out
        config["encoding"] = self.encoding
        return config
