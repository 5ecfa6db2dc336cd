"""keras.layers.TextVectorization: strings to token indices or bag-of-words vectors.

Standardize (lowercase ASCII, strip ASCII punctuation), split (ASCII whitespace or
characters), form n-grams, then look the tokens up in a vocabulary (a ``StringLookup``
with mask token ``""``), exactly as Keras does with ``tf.strings``; here in Python and
NumPy. Rows of different lengths are kept as a list of arrays (Keras's ragged tensors)
until they are padded or counted.
"""
from __future__ import annotations

import re
import string
from collections.abc import Callable
from typing import Any

import numpy as np

from ...models.keras_tensor import KerasTensor, any_symbolic
from ...models.layer import Layer
from .category_encoding import as_array, bincount_rows, on_host, one_hot, to_output
from .lookup.index_lookup import DROPPED_INDEX, listify
from .lookup.string_lookup import StringLookup

_LOWER = {ord(c): ord(c.lower()) for c in string.ascii_uppercase}
_STRIP = {ord(c): None for c in string.punctuation}
_TABLES = {"lower": _LOWER, "strip_punctuation": _STRIP,
           "lower_and_strip_punctuation": {**_LOWER, **_STRIP}}
_ASCII_SPACE = re.compile(r"[ \t\n\x0b\x0c\r]+")

Rows = list  # a ragged batch: one 1-D str array per row


def _check_option(value: Any, allowed: tuple, arg: str) -> None:
    if value is None or callable(value) or value in allowed:
        return
    raise ValueError(f"Unknown value for `{arg}` argument of layer TextVectorization. "
                     f"Allowed values are: {allowed}. Received: {arg}={value}")


def _str_array(values: Any, encoding: str, what: str) -> np.ndarray:
    array = as_array(values, encoding)
    if array.dtype.kind != "U":
        if array.size == 0:
            return array.astype(str)
        raise TypeError(f"TextVectorization {what} must be strings (Python str, lists of "
                        f"str, NumPy str/bytes/object arrays); got dtype {array.dtype}.")
    return array


def _ngrams_of(tokens: Any, widths: tuple) -> list:
    tokens = list(tokens)
    return [" ".join(tokens[i:i + w]) for w in widths
            for i in range(len(tokens) - w + 1)]


class TextVectorization(Layer):
    """Turns strings into sequences of token indices (``output_mode="int"``) or
    per-string ``"multi_hot"`` / ``"count"`` / ``"tf_idf"`` (or per-token ``"one_hot"``)
    vectors over a vocabulary, given or learned by ``adapt``.

    ``standardize``: ``"lower_and_strip_punctuation"`` (default), ``"lower"``,
    ``"strip_punctuation"``, ``None``, or a callable taking and returning a NumPy ``str``
    array. ``split``: ``"whitespace"`` (default), ``"character"``, ``None``, or a callable
    taking a 1-D NumPy ``str`` array and returning one token list per string. ``ngrams``:
    ``None``, ``n`` (widths 1..n) or a tuple of widths. Index 0 is padding, 1 is OOV.

    Inputs are Python strings, (nested) lists of them, or NumPy ``str`` / ``bytes`` /
    ``object`` arrays of shape ``(batch,)`` or ``(batch, 1)`` (Ember tensors hold no
    strings); outputs are Ember int64 tensors (float32 for ``"tf_idf"``).

    >>> layer = TextVectorization(output_sequence_length=4)
    >>> layer.adapt(["The cat sat.", "The dog!"])
    >>> layer.get_vocabulary()
    ['', '[UNK]', 'the', 'sat', 'dog', 'cat']
    >>> layer(["the cat ran"]).numpy().tolist()
    [[2, 5, 1, 0]]
    """

    def __init__(self, max_tokens: int | None = None,
                 standardize: str | Callable | None = "lower_and_strip_punctuation",
                 split: str | Callable | None = "whitespace", ngrams: Any = None,
                 output_mode: str = "int", output_sequence_length: int | None = None,
                 pad_to_max_tokens: bool = False, vocabulary: Any = None,
                 idf_weights: Any = None, sparse: bool = False, ragged: bool = False,
                 encoding: str = "utf-8", name: str | None = None, **kwargs):
        _check_option(standardize, ("lower_and_strip_punctuation", "lower",
                                    "strip_punctuation"), "standardize")
        _check_option(split, ("whitespace", "character"), "split")
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        modes = ("int", "one_hot", "multi_hot", "count", "tf_idf")
        if output_mode not in modes:
            raise ValueError("Unknown value for `output_mode` argument of layer "
                             f"TextVectorization. Allowed values are: {modes}. "
                             f"Received: output_mode={output_mode}")
        if isinstance(ngrams, list):
            ngrams = tuple(ngrams)
        if not (ngrams is None or isinstance(ngrams, int) or
                isinstance(ngrams, tuple) and all(isinstance(n, int) for n in ngrams)):
            raise ValueError("`ngrams` must be None, an integer, or a tuple of integers. "
                             f"Received: ngrams={ngrams}")
        if output_mode == "int" and not (output_sequence_length is None or
                                         isinstance(output_sequence_length, int)):
            raise ValueError("`output_sequence_length` must be either None or an integer "
                             "when `output_mode` is 'int'. Received: "
                             f"output_sequence_length={output_sequence_length}")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError("`output_sequence_length` must not be set if `output_mode` is "
                             "not 'int'. Received "
                             f"output_sequence_length={output_sequence_length}.")
        if ragged and output_mode != "int":
            raise ValueError("`ragged` must not be true if `output_mode` is `'int'`. "
                             f"Received: ragged={ragged} and output_mode={output_mode}")
        if ragged or sparse:
            raise ValueError("TextVectorization: `ragged=True` and `sparse=True` are not "
                             "supported by Ember (it has no ragged or sparse tensors); "
                             "int outputs are padded with 0 instead.")
        self._max_tokens = max_tokens
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._ragged = ragged
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._has_input_vocabulary = kwargs.pop("has_input_vocabulary",
                                                vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
            sparse=sparse, has_input_vocabulary=self._has_input_vocabulary,
            encoding=encoding, vocabulary_size=vocabulary_size)
        self.built = True

    # -- vocabulary -----------------------------------------------------------------------------
    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary; with the special tokens (``""`` for padding, ``"[UNK]"``) first
        unless ``include_special_tokens=False``."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        """The vocabulary's size, padding and OOV tokens included."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Set the vocabulary (and, for ``"tf_idf"``, the IDF weights) directly."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    def adapt(self, data: Any, batch_size: int | None = None,
              steps: int | None = None) -> None:
        """Learn the vocabulary from strings (an array-like of documents, or an iterable
        of batches; ``steps`` caps the batches): tokens by frequency, ties broken by the
        token (highest first), truncated to ``max_tokens``."""
        self.reset_state()
        if isinstance(data, (list, tuple, np.ndarray, str, bytes)):
            array = _str_array(data, self._encoding, "data")
            if array.ndim == 1:
                array = array[:, None]
            self.update_state(array)
        elif hasattr(data, "__iter__"):
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch)
        else:
            raise TypeError(f"Unsupported data type for TextVectorization.adapt(): "
                            f"{type(data)}")
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        if isinstance(data, tuple):
            data = data[0]
        tokens = self._preprocess(data)
        if isinstance(tokens, np.ndarray):
            self._lookup_layer.update_state(tokens)
            return
        flat, row_ids = self._flatten_rows(tokens)
        self._lookup_layer._count_tokens(flat, row_ids, len(tokens))

    def finalize_state(self) -> None:
        self._lookup_layer.finalize_state()

    def reset_state(self) -> None:
        self._lookup_layer.reset_state()

    # -- preprocessing ----------------------------------------------------------------------------
    def _standardized(self, inputs: np.ndarray) -> np.ndarray:
        if self._standardize is None:
            return inputs
        if callable(self._standardize):
            return _str_array(self._standardize(inputs), self._encoding,
                              "standardize results")
        table = _TABLES[self._standardize]
        flat = [s.translate(table) for s in inputs.reshape(-1).tolist()]
        return np.array(flat, dtype=str).reshape(inputs.shape)

    def _split_rows(self, inputs: np.ndarray) -> Rows | np.ndarray:
        """One token array per string (rank-1 inputs), or one flat array for a scalar."""
        if inputs.ndim > 1:
            if inputs.shape[-1] != 1:
                raise ValueError("When using `TextVectorization` to tokenize strings, the "
                                 "input rank must be 1 or the last shape dimension must be "
                                 f"1. Received: inputs.shape={inputs.shape} with "
                                 f"rank={inputs.ndim}")
            inputs = inputs[..., 0]
        if inputs.ndim > 1:
            raise ValueError("TextVectorization in Ember splits batches of shape (batch,) "
                             "or (batch, 1) (it has no ragged tensors for deeper "
                             f"batches); got inputs of shape {inputs.shape + (1,)}")
        texts = inputs.reshape(-1).tolist()
        if self._split == "whitespace":
            rows = [[t for t in _ASCII_SPACE.split(s) if t] for s in texts]
        elif self._split == "character":
            rows = [list(s) for s in texts]
        else:
            result = self._split(inputs)
            if inputs.ndim == 0:
                return _str_array(result, self._encoding, "split results").reshape(-1)
            rows = [_str_array(r, self._encoding, "split results").reshape(-1).tolist()
                    for r in result]
        arrays = [np.array(r, dtype=str) for r in rows]
        if inputs.ndim == 0:
            return arrays[0]           # a scalar string splits into one dense vector
        return arrays

    def _ngrammed(self, tokens: Rows | np.ndarray) -> Rows | np.ndarray:
        if self._ngrams is None:
            return tokens
        if isinstance(tokens, np.ndarray):
            if tokens.ndim == 0:
                tokens = tokens.reshape(1)
            rows = tokens.reshape(-1, tokens.shape[-1]) if tokens.size else \
                np.zeros((int(np.prod(tokens.shape[:-1])), 0), dtype=str)
            grams = [_ngrams_of(r, self._ngrams) for r in rows.tolist()]
            width = len(grams[0]) if grams else 0
            return np.array(grams, dtype=str).reshape(tokens.shape[:-1] + (width,))
        return [np.array(_ngrams_of(r.tolist(), self._ngrams), dtype=str) for r in tokens]

    def _preprocess(self, inputs: Any) -> Rows | np.ndarray:
        array = self._standardized(_str_array(inputs, self._encoding, "inputs"))
        tokens = array if self._split is None else self._split_rows(array)
        return self._ngrammed(tokens)

    @staticmethod
    def _flatten_rows(rows: Rows) -> tuple[np.ndarray, np.ndarray]:
        lengths = np.array([r.size for r in rows], dtype=np.int64)
        flat = np.concatenate(rows) if rows and lengths.sum() else np.array([], dtype=str)
        return flat, np.repeat(np.arange(len(rows)), lengths)

    # -- calling ------------------------------------------------------------------------------
    def __call__(self, inputs: Any, *args, **kwargs):
        if any_symbolic(inputs, args, kwargs):
            return super().__call__(inputs, *args, **kwargs)
        return self.call(inputs)

    def _pad_dense(self, lookups: np.ndarray) -> np.ndarray:
        length = self._output_sequence_length
        if length is None or lookups.ndim == 0:
            return lookups
        lookups = lookups[..., :length]
        pad = [(0, 0)] * (lookups.ndim - 1) + [(0, length - lookups.shape[-1])]
        return np.pad(lookups, pad)

    def _rows_to_matrix(self, lookups: np.ndarray, row_ids: np.ndarray, n_rows: int,
                        width: int, fill: int) -> np.ndarray:
        starts = np.concatenate([[0], np.cumsum(np.bincount(row_ids, minlength=n_rows))])
        position = np.arange(lookups.size) - starts[row_ids]
        keep = position < width
        out = np.full((n_rows, width), fill, dtype=np.int64)
        out[row_ids[keep], position[keep]] = lookups[keep]
        return out

    def call(self, inputs: Any):
        return on_host(self._call_on_host, inputs)

    def _call_on_host(self, inputs: Any):
        lookup = self._lookup_layer
        tokens = self._preprocess(inputs)
        if isinstance(tokens, np.ndarray):
            result = lookup.call(tokens)
            if self._output_mode == "int":
                return to_output(self._pad_dense(result.numpy()))
            return result
        if self._output_mode != "int":
            depth = lookup.output_depth()
        flat, row_ids = self._flatten_rows(tokens)
        n_rows = len(tokens)
        ids = lookup._lookup(flat)
        if self._output_mode == "int":
            width = self._output_sequence_length
            if width is None:
                width = max([r.size for r in tokens], default=0)
            return to_output(self._rows_to_matrix(ids, row_ids, n_rows, width, 0))
        if self._output_mode == "one_hot":
            width = max([r.size for r in tokens], default=0)
            padded = self._rows_to_matrix(ids, row_ids, n_rows, width, DROPPED_INDEX)
            return to_output(one_hot(padded, depth, "int64"))
        binary = self._output_mode == "multi_hot"
        counts = bincount_rows(ids, row_ids, n_rows, depth, binary)
        counts = counts.astype(np.int64, copy=False)
        if self._output_mode == "tf_idf":
            counts = lookup._apply_idf(counts)
        return to_output(counts)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        """The shape of the outputs for inputs of shape ``input_shape`` (one string per
        row, ``(batch,)`` or ``(batch, 1)``, when splitting)."""
        input_shape = tuple(input_shape)
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        depth = self._lookup_layer.max_tokens if self._lookup_layer.pad_to_max_tokens \
            else self._lookup_layer._frozen_vocab_size
        if self._split is None:
            return encode_shape(input_shape, self._output_mode, depth)
        batch = input_shape[:1]
        if self._output_mode == "one_hot":
            return batch + (None, depth)
        return batch + (depth,)

    def compute_output_spec(self, inputs: KerasTensor) -> KerasTensor:
        raise NotImplementedError(
            f"TextVectorization layer '{self.name}' takes strings, which Ember tensors (and "
            "keras.Input) cannot hold, so it cannot be used inside a functional model: "
            "apply it to the data before the model (e.g. in the input pipeline, or "
            "`x = vectorizer(texts)`) and give the model its integer output.")

    # -- configuration and saving -------------------------------------------------------------
    def get_config(self) -> dict:
        config = super().get_config()
        lookup = self._lookup_layer
        config.update({
            "max_tokens": lookup.max_tokens,
            "standardize": self._standardize,
            "split": self._split,
            "ngrams": self._ngrams_arg,
            "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens,
            "sparse": lookup.sparse,
            "ragged": self._ragged,
            "vocabulary": listify(lookup.input_vocabulary),
            "idf_weights": listify(lookup.input_idf_weights),
            "encoding": self._encoding,
            "vocabulary_size": self.vocabulary_size(),
        })
        return config

    @classmethod
    def from_config(cls, config: dict) -> TextVectorization:
        from ...saving.serialization import deserialize_keras_object
        config = dict(config)
        for key in ("standardize", "split"):
            value = config.get(key)
            if value is not None and not isinstance(value, str) and not callable(value):
                config[key] = deserialize_keras_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)

    def save_own_variables(self, store: Any) -> None:
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store: Any) -> None:
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path: str) -> None:
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path: str) -> None:
        self._lookup_layer.load_assets(dir_path)


def encode_shape(input_shape: tuple, output_mode: str, depth: int | None) -> tuple:
    """The output shape of ``encode_categorical`` for an input shape.

    >>> encode_shape((4, 1), "one_hot", 10), encode_shape((4, 3), "count", 10)
    ((4, 10), (4, 10))
    """
    if not input_shape:
        input_shape = (1,)
    if output_mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            return input_shape[:-1] + (depth,)
        return input_shape + (depth,)
    return input_shape[:-1] + (depth,)

