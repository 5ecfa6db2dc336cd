"""keras.layers.CategoryEncoding: integer categories to one-hot, multi-hot or count vectors.

Also the NumPy helpers the other categorical/text preprocessing layers (lookups, Hashing,
Discretization, TextVectorization) share: turning their inputs (Python values, lists,
NumPy arrays of numbers or strings, Ember tensors) into NumPy arrays, and encoding
integer indices the way Keras's ``encode_categorical_inputs`` does on TensorFlow.
"""
from __future__ import annotations

from typing import Any

import numpy as np

import ember

from ...models.keras_tensor import KerasTensor, any_symbolic
from ...models.layer import Layer


# -- inputs and outputs -----------------------------------------------------------------------
def _decode_strings(array: np.ndarray, encoding: str | None = "utf-8") -> np.ndarray:
    if encoding is None:                    # keep bytes as bytes
        return array
    if array.dtype.kind == "S":
        return np.char.decode(array, encoding)
    if array.dtype.kind == "O":
        flat = array.reshape(-1)
        if all(isinstance(v, (str, bytes, np.str_, np.bytes_)) for v in flat):
            texts = [v.decode(encoding) if isinstance(v, bytes) else str(v) for v in flat]
            return np.array(texts, dtype=str).reshape(array.shape)
    return array


def as_array(inputs: Any, encoding: str | None = "utf-8") -> np.ndarray:
    """A NumPy array from a tensor, a NumPy array, a Python value or (nested) list; bytes
    and ``object`` arrays of strings become ``str`` (``U``) arrays (``encoding=None``
    keeps bytes as they are).

    >>> as_array([["a"], ["b"]]).dtype.kind, as_array(ember.constant([1, 2])).tolist()
    ('U', [1, 2])
    """
    if isinstance(inputs, KerasTensor):
        raise TypeError("A symbolic KerasTensor has no values; this preprocessing layer "
                        "needs real data here.")
    if isinstance(inputs, (ember.Tensor, ember.Variable)):
        return np.asarray(inputs.numpy())
    if isinstance(inputs, np.ndarray):
        return _decode_strings(inputs, encoding)
    if isinstance(inputs, (str, bytes, np.str_, np.bytes_)):
        return _decode_strings(np.array(inputs, dtype=object), encoding).reshape(())
    if isinstance(inputs, (list, tuple)):
        if any(isinstance(v, (ember.Tensor, ember.Variable)) for v in inputs):
            inputs = [as_array(v, encoding) for v in inputs]
        try:
            array = np.asarray(inputs)
        except ValueError as e:
            raise ValueError("Preprocessing layers need rectangular inputs (all rows of "
                             f"the same length); got a ragged nested list: {e}") from None
        return _decode_strings(array, encoding)
    return _decode_strings(np.asarray(inputs), encoding)


def on_host(compute: Any, inputs: Any, *extra: Any):
    """``compute(inputs, *extra)``, a layer's NumPy computation: run now when eager; inside
    a traced ``ember.function`` as an ``ember.numpy_function`` step that runs on every
    call of the graph (string inputs are never traced: they are not tensors).

    >>> float(on_host(lambda x: ember.constant(np.asarray(x) * 2), ember.constant(1.0)))
    2.0
    """
    tensors = [inputs] + [e for e in extra if e is not None]
    if not ember.inside_function() or not all(isinstance(t, ember.Tensor) for t in tensors):
        return compute(inputs, *extra)
    positions = [i for i, e in enumerate(extra) if e is not None]

    def run(*arrays):
        rest = list(extra)
        for i, a in zip(positions, arrays[1:]):
            rest[i] = a
        return np.asarray(compute(arrays[0], *rest))

    return ember.numpy_function(run, tensors, stateful=False)


def to_output(array: np.ndarray):
    """An Ember tensor holding ``array`` (``str`` arrays are returned as they are).

    >>> to_output(np.array([1, 2])).dtype, to_output(np.array(["a"])).dtype.kind
    (ember.int64, 'U')
    """
    if array.dtype.kind in "USO":
        return array
    if not array.flags.c_contiguous:
        array = np.ascontiguousarray(array)   # (never 0-d here: those are contiguous)
    return ember.constant(array)


# -- encoding -------------------------------------------------------------------------------
def bincount_rows(indices: np.ndarray, rows: np.ndarray, n_rows: int, depth: int,
                  binary: bool, weights: np.ndarray | None = None) -> np.ndarray:
    """Per-row counts (or presence, ``binary``) of ``indices`` in ``[0, depth)``; indices
    at or past ``depth`` are dropped and negative ones are an error, as TF's bincount.

    >>> bincount_rows(np.array([0, 2, 2]), np.array([0, 0, 1]), 2, 3, False).tolist()
    [[1, 0, 1], [0, 0, 1]]
    """
    indices = np.asarray(indices).reshape(-1).astype(np.int64, copy=False)
    if indices.size and indices.min() < 0:
        bad = indices[indices < 0][0]
        raise ValueError("Input 'in' must be non-negative! Negative input value found: "
                         f"{bad}")
    keep = indices < depth
    flat = np.asarray(rows).reshape(-1)[keep] * depth + indices[keep]
    w = None if weights is None or binary else np.asarray(weights).reshape(-1)[keep]
    counts = np.bincount(flat, weights=w, minlength=n_rows * depth).reshape(n_rows, depth)
    return counts > 0 if binary else counts


def one_hot(indices: np.ndarray, depth: int, dtype: Any) -> np.ndarray:
    """``indices[..., None] == arange(depth)``; indices out of ``[0, depth)`` give zeros.

    >>> one_hot(np.array([1, 5]), 3, "int64").tolist()
    [[0, 1, 0], [0, 0, 0]]
    """
    return (np.asarray(indices)[..., None] == np.arange(depth)).astype(dtype)


def encode_categorical(indices: np.ndarray, output_mode: str, depth: int, dtype: Any,
                       count_weights: np.ndarray | None = None) -> np.ndarray:
    """Keras's ``encode_categorical_inputs`` (TensorFlow backend) in NumPy.

    ``"int"`` casts; ``"one_hot"`` encodes each element (a last axis of size 1 is replaced);
    ``"multi_hot"`` / ``"count"`` encode each sample of the last axis (a rank-1 input is a
    single sample). Scalars are treated as one-element vectors.

    >>> encode_categorical(np.array([[0, 1], [3, 3]]), "count", 4, "float32").tolist()
    [[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 2.0]]
    """
    indices = np.asarray(indices)
    dtype = ember.as_dtype(dtype).name
    if output_mode == "int":
        return indices.astype(dtype)
    if indices.ndim == 0:
        indices = indices.reshape(1)
        if count_weights is not None:
            count_weights = np.asarray(count_weights).reshape(1)
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = indices[..., 0]
        return one_hot(indices, depth, dtype)
    if output_mode not in ("multi_hot", "count"):
        raise ValueError(f"Unknown output_mode {output_mode!r}; expected one of 'int', "
                         "'one_hot', 'multi_hot', 'count'.")
    binary = output_mode == "multi_hot"
    if indices.ndim > 2:
        # Keras (all backends) sums or maxes the one-hot encoding over axis 1 here.
        encoded = one_hot(indices, depth, np.float64)
        if count_weights is not None and not binary:
            encoded = encoded * np.asarray(count_weights, np.float64)[..., None]
        reduced = encoded.max(axis=1) if binary else encoded.sum(axis=1)
        return reduced.astype(dtype)
    rows2 = indices.reshape(-1, indices.shape[-1]) if indices.ndim == 2 else \
        indices.reshape(1, -1)
    n_rows, width = rows2.shape
    row_ids = np.repeat(np.arange(n_rows), width)
    counts = bincount_rows(rows2, row_ids, n_rows, depth, binary, count_weights)
    counts = counts.astype(dtype, copy=False)
    return counts if indices.ndim == 2 else counts[0]


# -- the layer --------------------------------------------------------------------------------
class CategoryEncoding(Layer):
    """Encodes integer categories in ``[0, num_tokens)`` as ``"one_hot"``,
    ``"multi_hot"`` (default) or ``"count"`` vectors of length ``num_tokens``.

    ``count_weights`` (call argument, ``"count"`` mode only) weighs each input value.
    Values ``>= num_tokens`` are dropped by ``multi_hot`` / ``count`` and give zero rows
    in ``one_hot``; negative values are an error (``one_hot``: zeros), as Keras on TF.

    >>> layer = CategoryEncoding(num_tokens=4, output_mode="one_hot")
    >>> layer([3, 2, 0, 1]).numpy()[0].tolist()
    [0.0, 0.0, 0.0, 1.0]
    """

    def __init__(self, num_tokens: int | None = None, output_mode: str = "multi_hot",
                 sparse: bool = False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in ("count", "one_hot", "multi_hot"):
            raise ValueError(f"Unknown arg for output_mode: {output_mode}")
        if num_tokens is None:
            raise ValueError("num_tokens must be set to use this layer. If the number of "
                             "tokens is not known beforehand, use the IntegerLookup layer "
                             "instead.")
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        if sparse:
            raise ValueError(f"CategoryEncoding layer '{self.name}': `sparse=True` is not "
                             "supported by Ember (it has no sparse tensors).")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = sparse
        self.built = True

    def __call__(self, inputs: Any, *args, **kwargs):
        if any_symbolic(inputs, args, kwargs):
            return super().__call__(inputs, *args, **kwargs)
        kwargs.pop("training", None)
        return self.call(inputs, *args, **kwargs)

    def call(self, inputs: Any, count_weights: Any = None):
        return on_host(self._encode, inputs, count_weights)

    def _encode(self, inputs: Any, count_weights: Any = None):
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError("`count_weights` is not used when `output_mode` is not "
                                 f"`'count'`. Received `count_weights={count_weights}`.")
            count_weights = as_array(count_weights).astype(self.compute_dtype)
        indices = as_array(inputs)
        if indices.dtype.kind not in "iufb":
            raise TypeError(f"CategoryEncoding layer '{self.name}' expects integer inputs; "
                            f"got an array of dtype {indices.dtype}.")
        if indices.dtype.kind == "f":
            indices = indices.astype(np.int64)
        if count_weights is not None and count_weights.shape != indices.shape:
            raise ValueError(f"CategoryEncoding layer '{self.name}': `count_weights` must "
                             f"have the inputs' shape {indices.shape}; got "
                             f"{count_weights.shape}.")
        encoded = encode_categorical(indices, self.output_mode, self.num_tokens,
                                     self.dtype, count_weights)
        return to_output(encoded)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        if len(input_shape) == 0:
            return (self.num_tokens,)
        if self.output_mode == "one_hot":
            if input_shape[-1] != 1 or len(input_shape) == 1:
                return input_shape + (self.num_tokens,)
            return input_shape[:-1] + (self.num_tokens,)
        return input_shape[:-1] + (self.num_tokens,)

    def compute_output_spec(self, inputs: KerasTensor, count_weights: Any = None
                            ) -> KerasTensor:
        return KerasTensor(self.compute_output_shape(inputs.shape), self.compute_dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode})
        return config
