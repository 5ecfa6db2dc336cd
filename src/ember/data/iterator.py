"""What ``iter(dataset)`` returns: TF's ``OwnedIterator`` (``next``, ``get_next``,
``get_next_as_optional``, ``element_spec``) and ``ember.data.experimental.Optional``."""
from __future__ import annotations

from collections.abc import Iterator as _IteratorABC
from typing import Any

import ember
from ember.core.errors import InvalidArgumentError, OutOfRangeError

from . import structure as st

_END = object()


class Optional:
    """A value that may be absent (``tf.experimental.Optional``).

    >>> import ember.data
    >>> opt = ember.data.experimental.Optional.from_value(3)
    >>> bool(opt.has_value()), int(opt.get_value())
    (True, 3)
    """

    def __init__(self, value: Any, element_spec: Any, present: bool):
        self._value, self._spec, self._present = value, element_spec, present

    @staticmethod
    def from_value(value: Any) -> Optional:
        element = st.element_to_numpy(value)
        return Optional(st.element_to_ember(element), st.spec_of(element), True)

    @staticmethod
    def empty(element_spec: Any) -> Optional:
        return Optional(None, element_spec, False)

    @property
    def element_spec(self) -> Any:
        return self._spec

    def has_value(self, name: str | None = None) -> Any:
        """A scalar bool tensor: whether a value is present."""
        return ember.constant(self._present)

    def get_value(self, name: str | None = None) -> Any:
        """The value; raises ``InvalidArgumentError`` when there is none."""
        if not self._present:
            raise InvalidArgumentError("ember.data.experimental.Optional.get_value: the "
                                       "optional does not have a value")
        return self._value

    def __repr__(self) -> str:
        return f"<Optional has_value={self._present} element_spec={self._spec}>"


class Iterator(_IteratorABC):
    """An iterator over a dataset's elements (as Ember tensors).

    >>> import ember.data
    >>> it = iter(ember.data.Dataset.range(2))
    >>> int(next(it)), int(it.get_next()), bool(it.get_next_as_optional().has_value())
    (0, 1, False)
    """

    def __init__(self, dataset: Any):
        self._dataset = dataset
        self._source = iter(dataset._iter_np())

    @property
    def element_spec(self) -> Any:
        return self._dataset.element_spec

    def __iter__(self) -> Iterator:
        return self

    def __next__(self) -> Any:
        return st.element_to_ember(next(self._source))

    def get_next(self) -> Any:
        """The next element; at the end raises ``ember.errors.OutOfRangeError`` (as TF
        does; ``next()`` raises ``StopIteration``)."""
        element = next(self._source, _END)
        if element is _END:
            raise OutOfRangeError("End of sequence: the dataset iterator has no more "
                                  "elements")
        return st.element_to_ember(element)

    def get_next_as_optional(self) -> Optional:
        """The next element as an ``Optional``, empty at the end."""
        element = next(self._source, _END)
        if element is _END:
            return Optional.empty(self._dataset.element_spec)
        return Optional(st.element_to_ember(element), self._dataset.element_spec, True)
