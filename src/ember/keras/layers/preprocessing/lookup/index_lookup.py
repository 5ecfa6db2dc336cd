"""The shared base of StringLookup and IntegerLookup: a vocabulary (given, or learned by
``adapt`` from token frequencies) mapping tokens to indices, with mask and OOV indices,
optional inversion, and one-hot / multi-hot / count / TF-IDF outputs.

The vocabulary lives in NumPy arrays (``str`` or ``int64``); lookups are vectorized with
``np.searchsorted`` on a sorted copy. Keras keeps it in TensorFlow hash tables; the
results are the same.
"""
from __future__ import annotations

import collections
import os
from typing import Any

import numpy as np

import ember

from .... import config as keras_config
from ....models.keras_tensor import KerasTensor, any_symbolic
from ....models.layer import Layer
from ..category_encoding import as_array, encode_categorical, on_host, to_output
from ..hashing import hash_to_buckets

#: The index masked tokens get in the non-"int" modes: past any depth, so never encoded.
DROPPED_INDEX = np.iinfo(np.int64).max

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def listify(value: Any) -> Any:
    """Tensors and arrays as (nested) lists, for configs.

    >>> listify(np.array([1, 2])), listify(None)
    ([1, 2], None)
    """
    if isinstance(value, (ember.Tensor, ember.Variable)):
        value = value.numpy()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


class IndexLookup(Layer):
    """Maps tokens to integer indices through a vocabulary (base class; use
    ``StringLookup`` or ``IntegerLookup``).

    Index layout (``output_mode="int"``): ``[mask?] [OOV indices] [vocabulary...]``, the
    mask index 0 only when ``mask_token`` is set. In the other modes the mask token is
    not in the vocabulary and masked inputs are dropped.

    >>> from ember import keras
    >>> layer = keras.layers.StringLookup(vocabulary=["a", "b"])
    >>> layer([["a", "c"], ["b", "a"]]).numpy().tolist()
    [[1, 0], [2, 1]]
    """

    def __init__(self, max_tokens: int | None, num_oov_indices: int, mask_token: Any,
                 oov_token: Any, vocabulary_dtype: str, vocabulary: Any = None,
                 idf_weights: Any = None, invert: bool = False, output_mode: str = "int",
                 sparse: bool = False, pad_to_max_tokens: bool = False,
                 oov_method: str = "floormod", name: str | None = None, salt: Any = None,
                 **kwargs):
        cls_name = type(self).__name__
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError("If set, `max_tokens` must be greater than 1. "
                             f"Received: max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError("If pad_to_max_tokens is True, must set `max_tokens`. "
                             f"Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError("`num_oov_indices` must be greater than or equal to 0. "
                             f"Received: num_oov_indices={num_oov_indices}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"Unknown value for `oov_method` argument of layer {cls_name}. "
                             "Allowed values are: ('floormod', 'farmhash'). "
                             f"Received: oov_method={oov_method}")
        is_int_vocab = vocabulary_dtype != "string"
        if salt is not None:
            if is_int_vocab and oov_method != "farmhash":
                raise ValueError("`salt` can only be used when `oov_method='farmhash'`. "
                                 f"Received: oov_method={oov_method}")
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = list(salt)
            elif isinstance(salt, int):
                salt = [salt, salt]
            else:
                raise ValueError("The `salt` argument for `IndexLookup` can only be a tuple "
                                 f"of 2 integers, or a single integer. Received: salt={salt}.")
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        if output_mode not in _MODES:
            raise ValueError(f"Unknown value for `output_mode` argument of layer {cls_name}. "
                             f"Allowed values are: {_MODES}. Received: "
                             f"output_mode={output_mode}")
        if invert and output_mode != "int":
            raise ValueError("`output_mode` must be `'int'` when `invert` is true. "
                             f"Received: output_mode={output_mode}")
        if sparse and output_mode == "int":
            raise ValueError("`sparse` may only be true if `output_mode` is `'one_hot'`, "
                             "`'multi_hot'`, `'count'` or `'tf_idf'`. Received: "
                             f"sparse={sparse} and output_mode={output_mode}")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError("`idf_weights` should only be set if `output_mode` is "
                             f"`'tf_idf'`. Received: idf_weights={idf_weights} and "
                             f"output_mode={output_mode}")
        frozen_size = kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("trainable", None)
        kwargs.pop("dtype", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword argument(s): {kwargs}")
        super().__init__(name=name)
        if sparse:
            raise ValueError(f"{cls_name} layer '{self.name}': `sparse=True` is not "
                             "supported by Ember (it has no sparse tensors).")
        self.invert = invert
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = sparse
        self.pad_to_max_tokens = pad_to_max_tokens
        self.vocabulary_dtype = "string" if not is_int_vocab else \
            ember.as_dtype(vocabulary_dtype).name
        self.oov_method = oov_method
        self.salt = salt
        self._frozen_vocab_size = frozen_size
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = has_input_vocabulary
        self._set_tokens(self._empty_tokens())
        self.idf_weights = None
        self.idf_weights_const = None
        if output_mode == "tf_idf":
            if self._has_input_vocabulary and idf_weights is None:
                raise ValueError("When specifying the `vocabulary` argument, in TF-IDF "
                                 "output mode, the `idf_weights` argument must also be "
                                 "provided.")
            if idf_weights is not None:
                self._set_idf(as_array(idf_weights))
        self.reset_state(force=True)
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.built = True

    # -- token arrays -------------------------------------------------------------------------
    def _empty_tokens(self) -> np.ndarray:
        return np.array([], dtype=str if self.vocabulary_dtype == "string" else np.int64)

    def _as_tokens(self, values: Any, what: str = "inputs") -> np.ndarray:
        """Values as an array of the vocabulary's kind (``str`` or ``int64``)."""
        array = as_array(values, getattr(self, "encoding", "utf-8"))
        if self.vocabulary_dtype == "string":
            if array.dtype.kind != "U":
                if array.size == 0:
                    return array.astype(str)
                raise TypeError(f"{type(self).__name__} layer '{self.name}' expects string "
                                f"{what} (Python str, lists of str, NumPy str/object "
                                f"arrays); got an array of dtype {array.dtype}.")
            return array
        return self._as_int_array(array, what)

    def _as_int_array(self, array: np.ndarray, what: str) -> np.ndarray:
        if array.dtype.kind in "iub":
            return array.astype(np.int64)
        if array.dtype.kind == "f" and np.all(np.mod(array, 1) == 0):
            return array.astype(np.int64)
        if array.size == 0:
            return array.astype(np.int64)
        raise TypeError(f"{type(self).__name__} layer '{self.name}' expects integer {what}; "
                        f"got an array of dtype {array.dtype}.")

    def _set_tokens(self, tokens: np.ndarray) -> None:
        self._tokens = tokens
        order = np.argsort(tokens, kind="stable")
        self._sorted_tokens = tokens[order]
        self._sorted_indices = (order + self._token_start_index()).astype(np.int64)

    def _set_idf(self, weights: np.ndarray) -> None:
        self.idf_weights = ember.constant(np.asarray(weights, dtype=keras_config.floatx()))
        self.idf_weights_const = self.idf_weights

    # -- index layout -------------------------------------------------------------------------
    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self) -> int:
        """The vocabulary's size, mask and OOV indices included."""
        return int(self._tokens.size) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary, index ``i`` holding the token that maps to ``i`` (mask and OOV
        tokens first, unless ``include_special_tokens=False``)."""
        start = self._token_start_index()
        vocab = [self.oov_token] * start + [t.item() for t in self._tokens]
        if self.mask_token is not None and self.output_mode == "int":
            vocab[0] = self.mask_token
        return vocab if include_special_tokens else vocab[start:]

    def _record_vocabulary_size(self) -> None:
        new_size = self.vocabulary_size()
        if self.output_mode != "int" and not self.pad_to_max_tokens and \
                self._frozen_vocab_size is not None and new_size != self._frozen_vocab_size:
            raise RuntimeError(f"When using `output_mode={self.output_mode}` and "
                               "`pad_to_max_tokens=False`, the vocabulary size cannot be "
                               "changed after the layer is called. Old vocab size is "
                               f"{self._frozen_vocab_size}, new vocab size is {new_size}")
        self._frozen_vocab_size = new_size

    # -- setting a vocabulary -----------------------------------------------------------------
    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Set the vocabulary (an array-like of tokens or a text file path, one token a
        line) and, in ``"tf_idf"`` mode, its ``idf_weights``. Special tokens may lead
        the vocabulary in their index order; otherwise they are added.

        >>> from ember import keras
        >>> layer = keras.layers.IntegerLookup()
        >>> layer.set_vocabulary([12, 36])
        >>> layer.get_vocabulary()
        [-1, 12, 36]
        """
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        elif idf_weights is not None:
            raise ValueError("`idf_weights` should only be set if output_mode is "
                             f"`'tf_idf'`. Received: output_mode={self.output_mode} and "
                             f"idf_weights={idf_weights}")
        if isinstance(vocabulary, str):
            if not os.path.exists(vocabulary):
                raise ValueError(f"Vocabulary file {vocabulary} does not exist.")
            if self.output_mode == "tf_idf":
                raise ValueError("output_mode `'tf_idf'` does not support loading a "
                                 "vocabulary from file.")
            with open(vocabulary, encoding="utf-8") as f:
                lines = f.read().splitlines()
            vocabulary = lines if self.vocabulary_dtype == "string" else \
                [int(line) for line in lines]
        vocabulary = self._as_tokens(vocabulary, "vocabulary").reshape(-1)
        if vocabulary.size == 0:
            raise ValueError(f"Cannot set an empty vocabulary. Received: "
                             f"vocabulary={vocabulary}")
        oov_start = self._oov_start_index()
        token_start = self._token_start_index()
        special = [self.mask_token] * oov_start + [self.oov_token] * self.num_oov_indices
        found_special = len(vocabulary) >= token_start and \
            list(vocabulary[:token_start].tolist()) == special
        tokens = vocabulary[token_start:] if found_special else vocabulary
        repeated = [t for t, c in collections.Counter(tokens.tolist()).items() if c > 1]
        if repeated:
            raise ValueError("The passed vocabulary has at least one repeated term. Please "
                             f"uniquify your dataset. The repeated terms are: {repeated}")
        if self.mask_token is not None and np.any(tokens == self.mask_token):
            index = np.argwhere(vocabulary == self.mask_token)[-1]
            raise ValueError("Found reserved mask token at unexpected location in "
                             "`vocabulary`. Note that passed `vocabulary` does not need to "
                             "include the OOV and mask tokens. Either remove all mask and "
                             "OOV tokens, or include them only at the start of the "
                             f"vocabulary in precisely this order: {special}. Received: "
                             f"mask_token={self.mask_token} at vocabulary index {index}")
        if self.oov_token is not None and self.invert and np.any(tokens == self.oov_token):
            index = np.argwhere(vocabulary == self.oov_token)[-1]
            raise ValueError("Found reserved OOV token at unexpected location in "
                             "`vocabulary`. Note that passed `vocabulary` does not need to "
                             "include the OOV and mask tokens. Either remove all mask and "
                             "OOV tokens, or include them only at the start of the "
                             f"vocabulary in precisely this order: {special}. Received: "
                             f"oov_token={self.oov_token} at vocabulary index {index}")
        new_size = token_start + len(tokens)
        if self.max_tokens is not None and new_size > self.max_tokens:
            raise ValueError("Attempted to set a vocabulary larger than the maximum vocab "
                             f"size. Received vocabulary size is {new_size}; `max_tokens` "
                             f"is {self.max_tokens}.")
        self._set_tokens(tokens)
        self._record_vocabulary_size()
        if self.output_mode == "tf_idf" and idf_weights is not None:
            self._set_given_idf(as_array(idf_weights), len(vocabulary), found_special)

    def _set_given_idf(self, weights: np.ndarray, vocab_len: int, found_special: bool
                       ) -> None:
        if len(weights) != vocab_len:
            raise ValueError("`idf_weights` must be the same length as vocabulary. "
                             f"len(idf_weights) is {len(weights)}; len(vocabulary) is "
                             f"{vocab_len}")
        if weights.ndim != 1:
            raise ValueError("TF-IDF data must be a 1-index array. "
                             f"Received: type(idf_weights)={type(weights)}")
        # special tokens have no document frequency: they get the average weight
        front = 0 if found_special else self._token_start_index()
        front_value = 0 if found_special else np.average(weights)
        back = self.max_tokens - front - len(weights) \
            if self.pad_to_max_tokens and self.max_tokens is not None else 0
        self._set_idf(np.pad(weights, (front, back), "constant",
                             constant_values=(front_value, 0)))

    # -- adapting -----------------------------------------------------------------------------
    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Build the vocabulary from ``data``: tokens sorted by count, ties broken by
        the token (highest first), truncated to ``max_tokens``; ``"tf_idf"`` also learns
        document frequencies. ``data`` is an array-like (a rank-1 array is one token per
        document), a tensor, or an iterable of batches (``steps`` caps the batches)."""
        self.reset_state()
        if isinstance(data, (list, tuple, np.ndarray, ember.Tensor, ember.Variable, str)):
            array = self._as_tokens(data, "data")
            if array.ndim == 1:
                array = array[:, None]
            self.update_state(array)
        elif hasattr(data, "__iter__"):
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch)
        else:
            raise TypeError(f"Unsupported data type for adapt(): {type(data)}")
        self.finalize_state()

    def reset_state(self, force: bool = False) -> None:
        if self._has_input_vocabulary and not force:
            return
        self._counts = (self._empty_tokens(), np.zeros(0, np.int64))
        self._doc_counts = (self._empty_tokens(), np.zeros(0, np.int64))
        self._num_documents = 0

    def update_state(self, data: Any) -> None:
        """Count the tokens of one batch (rows are documents; rank 1 is one document)."""
        if isinstance(data, tuple):
            data = data[0]
        array = self._as_tokens(data, "data")
        if array.ndim == 0:
            array = array.reshape(1)
        if array.ndim == 1:
            array = array[None, :]
        rows = array.reshape(array.shape[0], -1)
        row_ids = np.repeat(np.arange(rows.shape[0]), rows.shape[1])
        self._count_tokens(rows.reshape(-1), row_ids, rows.shape[0])

    def _count_tokens(self, tokens: np.ndarray, row_ids: np.ndarray, n_rows: int) -> None:
        """Add ``tokens`` (flat, with the document each belongs to) to the counts."""
        if self._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}' after setting a static "
                             "vocabulary via `vocabulary` argument or `set_vocabulary()` "
                             "method.")
        uniq, inverse = np.unique(tokens, return_inverse=True)
        self._counts = _merge_counts(self._counts, uniq,
                                     np.bincount(inverse.reshape(-1), minlength=uniq.size))
        if self.output_mode == "tf_idf":
            pairs = np.unique(np.asarray(row_ids, np.int64) * max(uniq.size, 1) +
                              inverse.reshape(-1))
            docs = np.bincount(pairs % max(uniq.size, 1), minlength=uniq.size)
            self._doc_counts = _merge_counts(self._doc_counts, uniq, docs)
            self._num_documents += int(n_rows)

    def finalize_state(self) -> None:
        tokens, counts = self._counts
        if self._has_input_vocabulary or tokens.size == 0:
            self._record_vocabulary_size()
            return
        special = [t for t in (self.mask_token, self.oov_token) if t is not None]
        keep = ~np.isin(tokens, np.array(special, dtype=tokens.dtype)) if special else \
            np.ones(tokens.size, bool)
        tokens, counts = tokens[keep], counts[keep]
        order = np.lexsort((tokens, counts))[::-1]   # count, then token, both descending
        if self.max_tokens:
            order = order[:self.max_tokens - self._token_start_index()]
        tokens = tokens[order]
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            self._set_adapted_idf(tokens)
        self.reset_state()
        self._record_vocabulary_size()

    def _set_adapted_idf(self, tokens: np.ndarray) -> None:
        doc_tokens, doc_counts = self._doc_counts
        at = np.searchsorted(doc_tokens, tokens)
        counts = doc_counts[np.minimum(at, max(doc_tokens.size - 1, 0))] \
            if doc_tokens.size else np.zeros(tokens.size, np.int64)
        idf = np.log(1 + self._num_documents / (1 + counts)).astype(keras_config.floatx())
        mean = idf.mean(dtype=idf.dtype) if idf.size else np.float32(np.nan)
        idf = np.pad(idf, (self._token_start_index(), 0), constant_values=mean)
        if self.pad_to_max_tokens and self.max_tokens is not None:
            idf = np.pad(idf, (0, self.max_tokens - idf.size), constant_values=0)
        self._set_idf(idf)

    # -- calling ------------------------------------------------------------------------------
    def __call__(self, inputs: Any, *args, **kwargs):
        if any_symbolic(inputs, args, kwargs):
            return super().__call__(inputs, *args, **kwargs)
        return self.call(inputs)

    def _lookup(self, values: np.ndarray) -> np.ndarray:
        """Indices of ``values`` (an array of the vocabulary's kind), OOV and mask handled;
        masked values get ``DROPPED_INDEX`` outside the "int" mode."""
        if self.num_oov_indices == 1:
            default = self._oov_start_index()
        else:
            default = -1
        out = np.full(values.shape, default, dtype=np.int64)
        if self._sorted_tokens.size:
            at = np.minimum(np.searchsorted(self._sorted_tokens, values),
                            self._sorted_tokens.size - 1)
            found = self._sorted_tokens[at] == values
            out = np.where(found, self._sorted_indices[at], out)
        if self.mask_token is not None:
            masked = values == self.mask_token
            out[masked] = 0 if self.output_mode == "int" else DROPPED_INDEX
        if self.num_oov_indices == 0:
            missing = out == -1
            if np.any(missing):
                raise ValueError("When `num_oov_indices=0` all inputs should be in "
                                 f"vocabulary, found OOV values {values[missing]}, consider "
                                 "setting `num_oov_indices=1`.")
        elif self.num_oov_indices > 1:
            missing = out == -1
            if np.any(missing):
                out[missing] = self._oov_buckets(values[missing]) + self._oov_start_index()
        return out

    def _oov_buckets(self, values: np.ndarray) -> np.ndarray:
        if self.vocabulary_dtype != "string" and self.oov_method != "farmhash":
            return np.mod(values, self.num_oov_indices)
        return hash_to_buckets(values, self.num_oov_indices, self.salt)

    def _invert(self, indices: np.ndarray) -> np.ndarray:
        """Tokens at ``indices``; indices outside the vocabulary give ``oov_token``."""
        vocab = self.get_vocabulary()
        kind = str if self.vocabulary_dtype == "string" else np.int64
        table = np.array(vocab + [self.oov_token], dtype=kind)
        valid = (indices >= 0) & (indices < len(vocab))
        return table[np.where(valid, indices, len(vocab))]

    def output_depth(self) -> int:
        """The size of the encoded axis in the non-"int" modes."""
        if self.pad_to_max_tokens:
            return self.max_tokens
        if self._frozen_vocab_size is None:
            raise RuntimeError(f"When using `output_mode={self.output_mode}` and "
                               "`pad_to_max_tokens=False`, you must set the layer's "
                               "vocabulary before calling it. Either pass a `vocabulary` "
                               "argument to the layer, or call `adapt` with some sample "
                               "data.")
        return self._frozen_vocab_size

    def _apply_idf(self, counts: np.ndarray) -> np.ndarray:
        if self.idf_weights_const is None:
            raise ValueError("When `output_mode` is `'tf_idf'`, `idf_weights` must be "
                             "provided.")
        idf = np.asarray(self.idf_weights_const.numpy())
        weighted = counts.astype(idf.dtype)
        weighted *= idf
        return weighted

    def call(self, inputs: Any):
        return on_host(self._call_on_host, inputs)

    def _call_on_host(self, inputs: Any):
        if self.invert:
            indices = self._as_int_array(as_array(inputs), "indices (invert=True)")
            return to_output(self._invert(indices))
        if self.output_mode != "int":
            depth = self.output_depth()
        values = self._as_tokens(inputs)
        lookups = self._lookup(values.reshape(1) if values.ndim == 0 else values)
        if self.output_mode == "int":
            return to_output(lookups.reshape(values.shape))
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        encoded = encode_categorical(lookups, mode, depth, "int64")
        if self.output_mode == "tf_idf":
            encoded = self._apply_idf(encoded)
        return to_output(encoded)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        if self.output_mode == "one_hot":
            if len(input_shape) > 1 and input_shape[-1] == 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    def compute_output_spec(self, inputs: KerasTensor) -> KerasTensor:
        if self.invert and self.vocabulary_dtype == "string":
            raise NotImplementedError(
                f"{type(self).__name__} layer '{self.name}' with invert=True returns strings, "
                "which Ember tensors cannot hold, so it cannot be used inside a functional "
                "model; call it eagerly on the model's integer outputs instead.")
        if self.vocabulary_dtype == "string" and not self.invert:
            raise NotImplementedError(
                f"{type(self).__name__} layer '{self.name}' takes strings, which Ember "
                "tensors (and keras.Input) cannot hold; apply it to the data before the "
                "model (e.g. in the input pipeline) and feed the model its integer output.")
        dtype = keras_config.floatx() if self.output_mode == "tf_idf" else "int64"
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype)

    # -- configuration and saving -------------------------------------------------------------
    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": self.vocabulary_dtype,
            "idf_weights": listify(self.input_idf_weights),
            "vocabulary": listify(self.input_vocabulary),
            "vocabulary_size": self._frozen_vocab_size,
            "oov_method": self.oov_method,
            "salt": self.salt,
        })
        return config

    def get_build_config(self) -> dict:
        return {}

    def build_from_config(self, config: dict) -> None:
        self.built = True

    def save_own_variables(self, store: Any) -> None:
        if self.output_mode == "tf_idf":
            store["idf_weights"] = np.asarray(self.idf_weights_const.numpy())

    def load_own_variables(self, store: Any) -> None:
        if self.output_mode == "tf_idf":
            self._set_idf(np.asarray(store["idf_weights"]))

    def save_assets(self, dir_path: str) -> None:
        """Write the vocabulary to ``dir_path/vocabulary.txt`` (when it is not in the
        config), as Keras does in ``.keras`` files."""
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(str(w) for w in self.get_vocabulary(True)))

    def load_assets(self, dir_path: str) -> None:
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), encoding="utf-8") as f:
            lines = f.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        values: list = lines if self.vocabulary_dtype == "string" else \
            [int(line) for line in lines]
        if self.output_mode == "tf_idf":
            # the saved weights are already laid out (and maybe padded to max_tokens)
            idf = np.asarray(self.idf_weights_const.numpy())
            self.set_vocabulary(values, idf_weights=idf[:len(values)])
        else:
            self.set_vocabulary(values)


def _merge_counts(old: tuple[np.ndarray, np.ndarray], tokens: np.ndarray,
                  counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum two (sorted unique tokens, counts) tables into one."""
    old_tokens, old_counts = old
    if old_tokens.size == 0:
        return tokens, counts.astype(np.int64)
    both = np.concatenate([old_tokens, tokens])
    uniq, inverse = np.unique(both, return_inverse=True)
    total = np.zeros(uniq.size, np.int64)
    np.add.at(total, inverse.reshape(-1), np.concatenate([old_counts, counts]))
    return uniq, total

