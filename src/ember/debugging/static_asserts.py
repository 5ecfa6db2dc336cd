"""The ``ember.debugging`` checks on ranks, shapes and dtypes: all known when the call is
made, so they raise at once (also while a function is traced), as TensorFlow does."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core.dtypes import as_dtype
from ..core.tensor import Tensor
from ..core.variable import Variable
from ..ops.creation import convert_to_tensor


def _tensor(x: Any) -> Any:
    return x if isinstance(x, (Tensor, Variable)) or hasattr(x, "_value") else \
        convert_to_tensor(x)


def _lead(message: str | None) -> str:
    return f"{message}.  " if message else ""


def assert_rank(x: Any, rank: int, message: str | None = None,
                name: str | None = None) -> None:
    """Raise ``ValueError`` unless ``x`` has rank ``rank``.

    >>> import ember
    >>> ember.debugging.assert_rank(ember.ones((2, 3)), 2)
    """
    x = _tensor(x)
    if x.ndim != int(rank):
        raise ValueError(f"{_lead(message)}Tensor must have rank {int(rank)}.  Received "
                         f"rank {x.ndim}, shape {tuple(x.shape)}")


def assert_rank_at_least(x: Any, rank: int, message: str | None = None,
                         name: str | None = None) -> None:
    """Raise ``ValueError`` unless ``x`` has rank ``rank`` or more.

    >>> import ember
    >>> ember.debugging.assert_rank_at_least(ember.ones((2, 3)), 1)
    """
    x = _tensor(x)
    if x.ndim < int(rank):
        raise ValueError(f"{_lead(message)}Tensor must have rank at least {int(rank)}.  "
                         f"Received rank {x.ndim}, shape {tuple(x.shape)}")


def assert_rank_in(x: Any, ranks: Iterable[int], message: str | None = None,
                   name: str | None = None) -> None:
    """Raise ``ValueError`` unless the rank of ``x`` is one of ``ranks``.

    >>> import ember
    >>> ember.debugging.assert_rank_in(ember.ones((2,)), [1, 2])
    """
    x = _tensor(x)
    ranks = [int(r) for r in ranks]
    if x.ndim not in ranks:
        raise ValueError(f"{_lead(message)}Tensor must have rank in {tuple(ranks)}.  "
                         f"Received rank {x.ndim}, shape {tuple(x.shape)}")


def assert_scalar(tensor: Any, message: str | None = None, name: str | None = None) -> None:
    """Raise ``ValueError`` unless ``tensor`` is a scalar.

    >>> import ember
    >>> ember.debugging.assert_scalar(ember.constant(3))
    """
    tensor = _tensor(tensor)
    if tensor.ndim != 0:
        raise ValueError(f"{message or ''}Expected scalar shape, saw shape: "
                         f"{tuple(tensor.shape)}.")


def assert_type(tensor: Any, tf_type: Any, message: str | None = None,
                name: str | None = None) -> None:
    """Raise ``TypeError`` unless ``tensor`` has dtype ``tf_type``.

    >>> import ember
    >>> ember.debugging.assert_type(ember.constant(1.0), ember.float32)
    """
    tensor = _tensor(tensor)
    want = as_dtype(tf_type)
    if tensor.dtype != want:
        raise TypeError(f"{message + ': ' if message else ''}tensor must be of type "
                        f"{want.name}; got {tensor.dtype.name}")


def assert_integer(x: Any, message: str | None = None, name: str | None = None) -> None:
    """Raise ``TypeError`` unless ``x`` has an integer dtype.

    >>> import ember
    >>> ember.debugging.assert_integer(ember.constant([1, 2]))
    """
    x = _tensor(x)
    if not x.dtype.is_integer:
        raise TypeError(f"{message + ' ' if message else ''}Expected \"x\" to be integer "
                        f"type.  Found: tensor of dtype {x.dtype.name}")


def assert_same_float_dtype(tensors: Any = None, dtype: Any = None) -> Any:
    """The one float dtype of ``tensors`` (and ``dtype``); ``ValueError`` when they
    differ or are not floating point. With nothing to check it is float32.

    >>> import ember
    >>> ember.debugging.assert_same_float_dtype([ember.constant(1.0)]).name
    'float32'
    """
    found = None if dtype is None else as_dtype(dtype)
    for t in tensors or []:
        t_dtype = _tensor(t).dtype
        if found is not None and t_dtype != found:
            raise ValueError(f"ember.debugging.assert_same_float_dtype: found dtypes "
                             f"{found.name} and {t_dtype.name}; expected one")
        found = t_dtype
    if found is None:
        return as_dtype("float32")
    if not found.is_floating:
        raise ValueError(f"ember.debugging.assert_same_float_dtype: expected a floating "
                         f"point dtype; got {found.name}")
    return found


def assert_proper_iterable(values: Any) -> None:
    """Raise ``TypeError`` when ``values`` is a tensor, an array, a string or not
    iterable (the mistakes ``for v in values`` would hide).

    >>> import ember
    >>> ember.debugging.assert_proper_iterable([1, 2])
    """
    if isinstance(values, (Tensor, Variable, str, bytes)) or hasattr(values, "__array__"):
        raise TypeError(f"Expected argument \"values\" to be a \"proper\" iterable.  Found: "
                        f"{type(values)}")
    if not isinstance(values, Iterable):
        raise TypeError(f"Expected argument \"values\" to be iterable.  Found: "
                        f"{type(values)}")


def is_numeric_tensor(tensor: Any) -> bool:
    """Whether ``tensor`` is a tensor of a numeric dtype (not bool).

    >>> import ember
    >>> ember.debugging.is_numeric_tensor(ember.constant([1.0]))
    True
    """
    if not (isinstance(tensor, (Tensor, Variable)) or hasattr(tensor, "_value")):
        return False
    d = tensor.dtype
    return bool(d.is_floating or d.is_integer or d.is_complex)


def assert_shapes(shapes: Any, data: Any = None, summarize: int | None = None,
                  message: str | None = None, name: str | None = None) -> None:
    """Raise ``ValueError`` unless every tensor's shape matches its spec: an int is that
    size, a string a symbol every tensor must agree on, ``"."`` or None any size, and a
    leading ``"*"`` any number of outer dimensions (a scalar's spec is ``()`` or ``[]``).

    >>> import ember
    >>> ember.debugging.assert_shapes([(ember.ones((2, 3)), ("N", "Q")),
    ...                               (ember.ones((2,)), ("N",))])
    """
    pairs = list(shapes.items()) if isinstance(shapes, dict) else list(shapes)
    bound: dict[str, tuple[int, Any]] = {}
    for tensor, spec in pairs:
        tensor = _tensor(tensor)
        actual = tuple(tensor.shape)
        spec = [spec] if isinstance(spec, (int, str)) and spec != "*" else list(spec)
        star = bool(spec) and spec[0] == "*"
        dims = spec[1:] if star else spec
        where = f"Tensor shape={actual} dtype={tensor.dtype.name}"
        if (len(actual) < len(dims)) if star else (len(actual) != len(dims)):
            raise ValueError(f"{_lead(message)}{where} must have rank "
                             f"{'at least ' if star else ''}{len(dims)}.  Received rank "
                             f"{len(actual)}, shape {actual}")
        for i, (want, got) in enumerate(zip(dims, actual[len(actual) - len(dims):])):
            axis = len(actual) - len(dims) + i
            if want is None or want == "." or got is None:
                continue
            if isinstance(want, str):
                if want in bound and bound[want][0] != got:
                    size, origin = bound[want]
                    raise ValueError(f"{_lead(message)}Specified by {origin} dimension "
                                     f"{want!r}.  {where} dimension {axis} must have size "
                                     f"{size}.  Received size {got}, shape {actual}")
                bound.setdefault(want, (got, where))
            elif int(want) != got:
                raise ValueError(f"{_lead(message)}{where} dimension {axis} must have size "
                                 f"{int(want)}.  Received size {got}, shape {actual}")
