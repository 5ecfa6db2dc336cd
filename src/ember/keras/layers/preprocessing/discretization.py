"""keras.layers.Discretization: bucket continuous values by boundaries, given or learned
by ``adapt`` as approximate quantiles (Keras's summary / merge / compress scheme)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

import ember

from ...models.keras_tensor import KerasTensor, any_symbolic
from ...models.layer import Layer
from .category_encoding import as_array, encode_categorical, on_host, to_output


# -- quantile summaries (weighted sorted samples: row 0 values, row 1 weights) -------------
def _empty_summary() -> np.ndarray:
    return np.zeros((2, 0), dtype="float32")


def summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    """Every ``step``-th sorted value (``step = max(n * epsilon, 1)``) with weight ``step``.

    >>> summarize(np.arange(4, dtype="float32"), 0.5).tolist()
    [[1.0, 3.0], [2.0, 2.0]]
    """
    ordered = np.sort(np.reshape(values, -1))
    step = max(ordered.size / (1.0 / epsilon), 1)
    kept = ordered[int(step - 1)::int(step)]
    return np.stack([kept, np.ones_like(kept) * step])


def compress_summary(summary: np.ndarray, epsilon: float) -> np.ndarray:
    """Re-sample a summary at cumulative-weight fractions ``epsilon, 2 epsilon, ..., 1``
    (linear interpolation); summaries with fewer than ``1 / epsilon`` points stay.

    >>> compress_summary(np.array([[1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0]]), 0.5)
    array([[2., 4.],
           [2., 2.]], dtype=float32)
    """
    if summary.shape[1] * epsilon < 1:
        return summary
    fractions = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    at = cumulative / cumulative[-1]
    values = np.interp(fractions, at, summary[0])
    new_cumulative = np.interp(fractions, at, cumulative)
    weights = new_cumulative - np.concatenate((np.array([0]), new_cumulative[:-1]))
    return np.stack((values, weights)).astype("float32")


def merge_summaries(first: np.ndarray, second: np.ndarray, epsilon: float) -> np.ndarray:
    """Both summaries' points sorted by value, then compressed to ``epsilon``.

    >>> merge_summaries(np.array([[3.0], [1.0]]), np.array([[1.0], [1.0]]), 0.1).tolist()
    [[1.0, 3.0], [1.0, 1.0]]
    """
    merged = np.concatenate((first, second), axis=1)
    merged = merged[:, np.argsort(merged[0])]
    return compress_summary(merged, epsilon)


def bin_boundaries_from_summary(summary: np.ndarray, num_bins: int) -> np.ndarray:
    """The ``num_bins - 1`` inner boundaries (quantiles) of a summary.

    >>> bin_boundaries_from_summary(summarize(np.arange(8.0), 0.01), 2).tolist()
    [3.0]
    """
    return compress_summary(summary, 1.0 / num_bins)[0, :-1]


def _batches(data: Any, steps: int | None) -> Iterable:
    if isinstance(data, (np.ndarray, ember.Tensor, ember.Variable)) or \
            not hasattr(data, "__iter__"):
        return [data]
    return (b for i, b in enumerate(data) if steps is None or i < steps)


# -- the layer --------------------------------------------------------------------------------
class Discretization(Layer):
    """Buckets values: bin ``i`` holds ``bin_boundaries[i-1] <= x < bin_boundaries[i]``.

    Give ``bin_boundaries``, or ``num_bins`` and call ``adapt(data)`` to learn
    approximate quantile boundaries (precision ``epsilon``). Values are compared in
    float32 as Keras does. ``output_mode="int"`` gives int32 bin indices; ``"one_hot"``,
    ``"multi_hot"`` and ``"count"`` encode them (floats).

    >>> layer = Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    >>> layer([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]]).numpy().tolist()
    [[0, 2, 3, 1], [1, 3, 2, 1]]
    """

    def __init__(self, bin_boundaries: Any = None, num_bins: int | None = None,
                 epsilon: float = 0.01, output_mode: str = "int", sparse: bool = False,
                 dtype: Any = None, name: str | None = None, **kwargs):
        kwargs.pop("trainable", None)
        super().__init__(name=name, dtype=dtype, **kwargs)
        if sparse:
            raise ValueError(f"Discretization layer '{self.name}': `sparse=True` is not "
                             "supported by Ember (it has no sparse tensors).")
        modes = ("int", "one_hot", "multi_hot", "count")
        if output_mode not in modes:
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of "
                             f"{list(modes)}. Received: output_mode={output_mode}")
        if num_bins is not None and num_bins < 0:
            raise ValueError("`num_bins` must be greater than or equal to 0. Received: "
                             f"`num_bins={num_bins}`")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError("Both `num_bins` and `bin_boundaries` should not be set. "
                             f"Received: `num_bins={num_bins}` and "
                             f"`bin_boundaries={bin_boundaries}`")
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        if isinstance(bin_boundaries, (np.ndarray, ember.Tensor)):
            bin_boundaries = as_array(bin_boundaries).tolist()
        self.bin_boundaries = bin_boundaries
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse
        self.summary = None if self.bin_boundaries else _empty_summary()
        self.built = True

    @property
    def output_dtype(self) -> str:
        return self.compute_dtype if self.output_mode != "int" else "int32"

    # -- adapting -----------------------------------------------------------------------------
    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learn ``bin_boundaries`` as the ``num_bins`` quantiles of ``data`` (an array, a
        tensor, or an iterable of batches; ``steps`` caps the batches read).

        >>> layer = Discretization(num_bins=2, epsilon=0.01)
        >>> layer.adapt(np.arange(10.0))
        >>> layer.bin_boundaries
        [4.0]
        """
        if self.num_bins is None:
            raise ValueError("Cannot adapt a Discretization layer that has been initialized "
                             "with `bin_boundaries`, use `num_bins` instead.")
        self.reset_state()
        for batch in _batches(data, steps):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        values = as_array(data[0] if isinstance(data, tuple) else data).astype("float32")
        self.summary = merge_summaries(summarize(values, self.epsilon), self.summary,
                                       self.epsilon)

    def finalize_state(self) -> None:
        if self.num_bins is None:
            return
        self.bin_boundaries = bin_boundaries_from_summary(self.summary,
                                                          self.num_bins).tolist()

    def reset_state(self) -> None:
        if self.num_bins is None:
            return
        self.summary = _empty_summary()

    # -- calling ------------------------------------------------------------------------------
    def __call__(self, inputs: Any, *args, **kwargs):
        if any_symbolic(inputs, args, kwargs):
            return super().__call__(inputs, *args, **kwargs)
        return self.call(inputs)

    def call(self, inputs: Any):
        return on_host(self._call_on_host, inputs)

    def _call_on_host(self, inputs: Any):
        if self.bin_boundaries is None:
            raise ValueError("You need to either pass the `bin_boundaries` argument at "
                             "construction time or call `adapt(dataset)` before you can "
                             "start using the `Discretization` layer.")
        values = as_array(inputs)
        if values.dtype.kind not in "iufb":
            raise TypeError(f"Discretization layer '{self.name}' expects numeric inputs; "
                            f"got an array of dtype {values.dtype}.")
        # floats are cast to the layer's dtype; integers meet the float32 boundaries as
        # float32 (TF's Bucketize compares `int < float` in C++)
        values = values.astype(self.compute_dtype if values.dtype.kind == "f"
                               else "float32")
        boundaries = np.asarray(self.bin_boundaries, dtype="float32").astype(values.dtype)
        indices = np.searchsorted(boundaries, values, side="right").astype("int32")
        return to_output(encode_categorical(indices, self.output_mode,
                                            len(self.bin_boundaries) + 1,
                                            self.output_dtype))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None \
            else self.num_bins
        if self.output_mode == "one_hot":
            if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        if len(input_shape) >= 2:
            return (input_shape[0],) + input_shape[2:] + (depth,)
        return (depth,)

    def compute_output_spec(self, inputs: KerasTensor) -> KerasTensor:
        return KerasTensor(self.compute_output_shape(inputs.shape), self.output_dtype)

    def get_config(self) -> dict:
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon, "output_mode": self.output_mode,
                "sparse": self.sparse, "name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> Discretization:
        config = dict(config)
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            # an adapted layer: both are set, which the constructor refuses
            boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = boundaries
            return layer
        return cls(**config)
