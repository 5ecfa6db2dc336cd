"""ember.debugging.check_numerics / assert_all_finite."""
import numpy as np
import pytest

import ember
from ember.core.errors import InvalidArgumentError

D = ember.debugging


def test_passes_finite_values_through():
    x = ember.constant([1.0, 2.0])
    assert D.check_numerics(x, "x") is x
    assert D.assert_all_finite(x, "x") is x


@pytest.mark.parametrize("value, kind", [(np.nan, "NaN"), (np.inf, "Inf"), (-np.inf, "Inf")])
def test_raises_with_the_message(value, kind):
    with pytest.raises(InvalidArgumentError, match=rf"^bad : Tensor had {kind} values$"):
        D.check_numerics(ember.constant([1.0, value]), "bad")


def test_refuses_integer_tensors():
    with pytest.raises(TypeError, match="needs a float tensor.*got int32"):
        D.check_numerics(ember.constant([1, 2]), "x")


def test_gradients_pass_through_eagerly_and_compiled():
    x = ember.constant(3.0)
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = D.check_numerics(x * x, "y")
    assert float(tape.gradient(y, x)) == 6.0

    @ember.function
    def grad(x):
        with ember.GradientTape() as tape:
            tape.watch(x)
            y = D.check_numerics(x * x, "y")
        return tape.gradient(y, x)

    assert float(grad(ember.constant(2.0))) == 4.0


def test_checked_on_every_call_of_a_compiled_function():
    f = ember.function(lambda x: D.check_numerics(x * 2.0, "twice"))
    assert float(f(ember.constant(1.0))) == 2.0
    with pytest.raises(InvalidArgumentError, match="twice : Tensor had Inf values"):
        f(ember.constant(np.inf))
