"""``ember.data.experimental``: TF's constants and helpers under that name."""
from __future__ import annotations

from typing import Any

from .options import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY  # noqa: F401


def cardinality(dataset: Any) -> Any:
    """``dataset.cardinality()`` (TF's older spelling).

    >>> import ember.data
    >>> int(ember.data.experimental.cardinality(ember.data.Dataset.range(3).repeat()))
    -1
    """
    return dataset.cardinality()


def assert_cardinality(expected_cardinality: int):
    """A transformation (for ``Dataset.apply``) that declares the dataset's cardinality;
    iterating raises if the real number of elements differs.

    >>> import ember.data
    >>> ds = ember.data.Dataset.range(5).filter(lambda x: x < 3)
    >>> len(ds.apply(ember.data.experimental.assert_cardinality(3)))
    3
    """
    from .transforms import AssertCardinalityDataset

    def apply(dataset):
        return AssertCardinalityDataset(dataset, int(expected_cardinality))
    return apply


def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False):
    from .dataset import Dataset
    return Dataset.sample_from_datasets(datasets, weights, seed, stop_on_empty_dataset)


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
    from .dataset import Dataset
    return Dataset.choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)
