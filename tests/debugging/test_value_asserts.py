"""ember.debugging value checks: TF's messages, broadcasting, and checks inside compiled
functions running on every call."""
import numpy as np
import pytest

import ember
from ember.core.errors import InvalidArgumentError

D = ember.debugging


@pytest.mark.parametrize("fn, good, bad, symbol", [
    (D.assert_equal, ([1, 2], [1, 2]), ([1, 2], [1, 3]), "=="),
    (D.assert_none_equal, ([1, 2], [2, 1]), ([1, 2], [2, 2]), "!="),
    (D.assert_less, ([1, 2], [2, 3]), ([1, 2], [1, 3]), "<"),
    (D.assert_less_equal, ([1, 2], [1, 2]), ([1, 3], [1, 2]), "<="),
    (D.assert_greater, ([2, 3], [1, 2]), ([2, 3], [2, 2]), ">"),
    (D.assert_greater_equal, ([2, 3], [2, 3]), ([2, 1], [2, 3]), ">="),
])
def test_binary_asserts(fn, good, bad, symbol):
    assert fn(ember.constant(good[0]), ember.constant(good[1])) is None
    with pytest.raises(InvalidArgumentError, match=rf"^note\nCondition x {symbol} y did not"):
        fn(ember.constant(bad[0]), ember.constant(bad[1]), message="note")


def test_assert_equal_message_lists_first_differences():
    with pytest.raises(InvalidArgumentError) as err:
        D.assert_equal([1, 2, 3], [1, 5, 3], message="msg")
    assert str(err.value) == ("msg\nCondition x == y did not hold.\nIndices of first 1 "
                              "different values:\n[[1]]\nCorresponding x values:\n[2]\n"
                              "Corresponding y values:\n[5]\nFirst 3 elements of x:\n"
                              "[1 2 3]\nFirst 3 elements of y:\n[1 5 3]")


def test_broadcasting_and_shape_errors():
    D.assert_greater_equal(ember.constant([[2.0, 3.0]]), 2.0)
    with pytest.raises(InvalidArgumentError) as err:
        D.assert_greater_equal(ember.constant([1.0, 2.0]), 1.5)
    assert str(err.value) == ("Condition x >= y did not hold.\nFirst 2 elements of x:\n"
                              "[1. 2.]\nFirst 1 elements of y:\n[1.5]")
    with pytest.raises(InvalidArgumentError, match=r"incompatible shapes: \[2, 3\] vs. \[4\]"):
        D.assert_equal(ember.ones((2, 3)), ember.ones((4,)))


@pytest.mark.parametrize("fn, good, bad, condition", [
    (D.assert_positive, [1.0, 2.0], [1.0, -2.0], "x > 0"),
    (D.assert_negative, [-1.0], [-1.0, 0.0], "x < 0"),
    (D.assert_non_negative, [0.0, 1.0], [-2.0], "x >= 0"),
    (D.assert_non_positive, [0.0, -1.0], [2.0], "x <= 0"),
])
def test_sign_asserts(fn, good, bad, condition):
    fn(good)
    fn(ember.constant([], ember.float32))   # nothing to check
    with pytest.raises(InvalidArgumentError) as err:
        fn(bad)
    shown = [str(v) for v in bad]
    assert str(err.value) == (f"\nCondition {condition} did not hold element-wise:\n"
                              f"x (shape=({len(bad)},) dtype=float32) = \n{shown}")


def test_assert_near():
    D.assert_near(ember.constant([1.0, 2.0]), ember.constant([1.0, 2.0000005]))
    D.assert_near([1.0], [1.05], atol=0.1)
    with pytest.raises(InvalidArgumentError, match="not equal to tolerance"):
        D.assert_near(ember.constant([1.0, 2.0]), ember.constant([1.0, 2.1]))


def test_assert_with_data():
    D.Assert(ember.constant(True), ["unused"])
    with pytest.raises(InvalidArgumentError) as err:
        D.Assert(False, ["x is", ember.constant([1, 2])])
    assert str(err.value) == "Expected 'False' to be true. Summarized data: x is\n1, 2"


def test_top_level_aliases():
    assert ember.assert_equal is D.assert_equal and ember.Assert is D.Assert
    assert ember.assert_rank is D.assert_rank and ember.assert_less is D.assert_less


def test_checked_on_every_call_of_a_compiled_function():
    @ember.function
    def f(x):
        D.assert_positive(x, message="f needs positive x")
        D.assert_less(x, 10.0)
        return x * 2

    np.testing.assert_array_equal(f(ember.constant([1.0])).numpy(), [2.0])
    np.testing.assert_array_equal(f(ember.constant([3.0])).numpy(), [6.0])   # same graph
    with pytest.raises(InvalidArgumentError, match="f needs positive x"):
        f(ember.constant([-1.0]))
    with pytest.raises(InvalidArgumentError, match="Condition x < y"):
        f(ember.constant([11.0]))


def test_a_check_in_an_untaken_branch_does_not_fire():
    @ember.function
    def f(x):
        def bad():
            D.assert_negative(x)
            return x
        return ember.cond(ember.reduce_all(x > 0), lambda: x, bad)

    np.testing.assert_array_equal(f(ember.constant([1.0])).numpy(), [1.0])
    with pytest.raises(InvalidArgumentError, match="x < 0"):
        f(ember.constant([-1.0, 2.0]))
