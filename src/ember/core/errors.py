"""Ember's exception types, named as in TensorFlow (``ember.errors``)."""
from __future__ import annotations


class OpError(Exception):
    """Base class of errors raised while running an op."""


class InvalidArgumentError(OpError, ValueError):
    """An op got arguments it cannot work with (shapes, values, axes).

    Subclasses ``ValueError`` so plain Python code can catch it too.
    """


class UnimplementedError(OpError, NotImplementedError):
    """The operation is not implemented for these inputs."""


class ResourceExhaustedError(OpError, MemoryError):
    """The op ran out of memory."""


class NotFoundError(OpError, LookupError):
    """A file or resource was not found."""


class DataLossError(OpError, ValueError):
    """Stored data is truncated or corrupt (a damaged checkpoint file, say).

    Subclasses ``ValueError`` so plain Python code can catch it too.
    """


class OutOfRangeError(OpError, IndexError):
    """An iterator was asked for an element past its end (``get_next()`` on an exhausted
    ``ember.data`` iterator).

    Subclasses ``IndexError`` so plain Python code can catch it too.
    """
