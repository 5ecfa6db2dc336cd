"""``ember.debugging.assert_equal`` and the other checks on tensor values: eagerly they
check at once; inside a traced ``ember.function`` they are steps of the graph that check
every call's values. A failed check raises ``InvalidArgumentError`` with TensorFlow's
message (the condition, the first offending indices and values)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..core.backend import to_host
from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from ..core.variable import Variable
from ..graph.host_call import call_pyfunc
from ..ops.creation import convert_to_tensor

_SUMMARIZE = 3


def as_checked(x: Any) -> Any:
    """``x`` as a tensor ``call_pyfunc`` takes: a variable's current value, or a Python
    value converted as TensorFlow converts it (Python floats are float32)."""
    if isinstance(x, Variable):
        return x.read_value()
    if isinstance(x, Tensor) or hasattr(x, "_value"):
        return x
    return convert_to_tensor(x)


def run_check(check: Callable, inputs: list, label: str) -> None:
    """``check(*arrays)`` now, and on every run of the graph being traced (if any)."""
    def run(*arrays):
        check(*[np.asarray(to_host(a)) for a in arrays])
        return ()
    call_pyfunc(run, [as_checked(x) for x in inputs], label, effect=True,
                record_always=True, run_in_dry_trace=False)


def _prefix(message: str | None) -> str:
    return f"{message}\n" if message else ""


def _first(a: np.ndarray, summarize: int) -> str:
    flat = a.reshape(-1)[:summarize]
    return f"First {flat.size} elements of {{}}:\n{flat}"


def _binary(op: Callable, symbol: str, op_name: str, example: tuple) -> Callable:
    """The assert function for ``x <symbol> y``; ``example`` is a pair that holds."""
    def assert_op(x: Any, y: Any, message: str | None = None, summarize: int | None = None,
                  name: str | None = None) -> None:
        summarize = _SUMMARIZE if summarize is None else int(summarize)

        def check(a: np.ndarray, b: np.ndarray) -> None:
            try:
                shape = np.broadcast_shapes(a.shape, b.shape)
            except ValueError:
                raise InvalidArgumentError(
                    f"{_prefix(message)}ember.debugging.{op_name}: incompatible shapes: "
                    f"{list(a.shape)} vs. {list(b.shape)}") from None
            held = op(a, b)
            if held.all():
                return
            lines = [f"{_prefix(message)}Condition x {symbol} y did not hold."]
            if a.shape == b.shape == shape:
                bad = np.argwhere(~held)[:summarize]
                lines += [f"Indices of first {len(bad)} different values:", str(bad),
                          "Corresponding x values:", str(a[tuple(bad.T)]),
                          "Corresponding y values:", str(b[tuple(bad.T)])]
            lines += [_first(a, summarize).format("x"), _first(b, summarize).format("y")]
            raise InvalidArgumentError("\n".join(lines))
        run_check(check, [x, y], op_name)

    assert_op.__name__ = assert_op.__qualname__ = op_name
    assert_op.__doc__ = (
        f"Raise ``InvalidArgumentError`` unless ``x {symbol} y`` holds for every element "
        "(broadcasting); inside a traced function it is checked on every call.\n\n"
        f"    >>> import ember\n    >>> ember.debugging.{op_name}(ember.constant("
        f"{example[0]}), ember.constant({example[1]}))\n")
    return assert_op


assert_equal = _binary(np.equal, "==", "assert_equal", ([1, 2], [1, 2]))
assert_none_equal = _binary(np.not_equal, "!=", "assert_none_equal", ([1, 2], [2, 1]))
assert_less = _binary(np.less, "<", "assert_less", ([1, 2], [2, 3]))
assert_less_equal = _binary(np.less_equal, "<=", "assert_less_equal", ([1, 2], [1, 3]))
assert_greater = _binary(np.greater, ">", "assert_greater", ([2, 3], [1, 2]))
assert_greater_equal = _binary(np.greater_equal, ">=", "assert_greater_equal",
                               ([2, 3], [2, 2]))


def _unary(test: Callable, condition: str, op_name: str, example: float) -> Callable:
    """The assert function for ``condition`` on every element; ``example`` satisfies it."""
    def assert_op(x: Any, message: str | None = None, summarize: int | None = None,
                  name: str | None = None) -> None:
        summarize = _SUMMARIZE if summarize is None else int(summarize)

        def check(a: np.ndarray) -> None:
            if test(a).all():
                return
            values = [str(v) for v in a.reshape(-1)[:summarize].tolist()]
            raise InvalidArgumentError(
                f"{message or ''}\nCondition {condition} did not hold element-wise:\n"
                f"x (shape={a.shape} dtype={a.dtype.name}) = \n{values}")
        run_check(check, [x], op_name)

    assert_op.__name__ = assert_op.__qualname__ = op_name
    assert_op.__doc__ = (
        f"Raise ``InvalidArgumentError`` unless ``{condition}`` holds for every element "
        f"of ``x``.\n\n    >>> import ember\n    >>> ember.debugging.{op_name}("
        f"ember.constant([{example}]))\n")
    return assert_op


assert_positive = _unary(lambda a: a > 0, "x > 0", "assert_positive", 1.0)
assert_negative = _unary(lambda a: a < 0, "x < 0", "assert_negative", -1.0)
assert_non_negative = _unary(lambda a: a >= 0, "x >= 0", "assert_non_negative", 0.0)
assert_non_positive = _unary(lambda a: a <= 0, "x <= 0", "assert_non_positive", 0.0)


def assert_near(x: Any, y: Any, rtol: Any = None, atol: Any = None,
                message: str | None = None, summarize: int | None = None,
                name: str | None = None) -> None:
    """Raise unless ``|x - y| <= atol + rtol * |y|`` everywhere (both tolerances default
    to 10 float epsilons of the dtype).

    >>> import ember
    >>> ember.debugging.assert_near(ember.constant([1.0]), ember.constant([1.0000001]))
    """
    summarize = _SUMMARIZE if summarize is None else int(summarize)

    def check(a: np.ndarray, b: np.ndarray) -> None:
        kind = np.result_type(a, b)
        eps = 10 * np.finfo(kind).eps if kind.kind in "fc" else 0
        r = eps if rtol is None else float(rtol)
        t = eps if atol is None else float(atol)
        if (np.abs(a - b) <= t + r * np.abs(b)).all():
            return
        raise InvalidArgumentError(
            f"{_prefix(message)}x and y not equal to tolerance rtol = {r}, atol = {t}\n"
            f"x (shape={a.shape} dtype={a.dtype.name}) = {a.reshape(-1)[:summarize]}\n"
            f"y (shape={b.shape} dtype={b.dtype.name}) = {b.reshape(-1)[:summarize]}")
    run_check(check, [x, y], "assert_near")


def Assert(condition: Any, data: list, summarize: int | None = None,  # noqa: N802
           name: str | None = None) -> None:
    """Raise ``InvalidArgumentError`` listing ``data`` unless the scalar ``condition`` is
    true (TensorFlow's ``tf.debugging.Assert``).

    >>> import ember
    >>> ember.debugging.Assert(ember.constant(True), ["never shown"])
    """
    summarize = _SUMMARIZE if summarize is None else int(summarize)
    data = list(data)
    tensors = [d for d in data if isinstance(d, (Tensor, Variable)) or hasattr(d, "_value")]

    def check(cond: np.ndarray, *arrays: np.ndarray) -> None:
        if cond.size != 1:
            raise InvalidArgumentError("ember.debugging.Assert: condition must be a scalar; "
                                       f"got shape {cond.shape}")
        if bool(cond.reshape(())):
            return
        values = iter(arrays)
        shown = [", ".join(str(v) for v in next(values).reshape(-1)[:summarize].tolist())
                 if isinstance(d, (Tensor, Variable)) or hasattr(d, "_value") else str(d)
                 for d in data]
        raise InvalidArgumentError(f"Expected '{bool(cond.reshape(()))}' to be true. "
                                   "Summarized data: " + "\n".join(shown))
    run_check(check, [condition, *tensors], "Assert")
