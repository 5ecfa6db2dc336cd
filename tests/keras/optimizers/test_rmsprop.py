import numpy as np
import pytest
from optimizer_checks import check_against, quadratic_descent

from ember.keras import optimizers


def rmsprop_reference(lr, rho, momentum, eps, centered):
    def run(w, grads):
        v = mg = mom = np.zeros_like(w)
        out = []
        for g in grads:
            v = rho * v + (1 - rho) * g * g
            if centered:
                mg = rho * mg + (1 - rho) * g
                denominator = v - mg * mg + eps
            else:
                denominator = v + eps
            increment = lr * g / np.sqrt(denominator)
            if momentum > 0:
                mom = momentum * mom + increment
                w = w - mom
            else:
                w = w - increment
            out.append(w)
        return out
    return run


@pytest.mark.parametrize("momentum,centered", [(0.0, False), (0.5, False), (0.0, True),
                                               (0.8, True)])
def test_update_rule(momentum, centered):
    opt = optimizers.RMSprop(learning_rate=0.02, rho=0.8, momentum=momentum, epsilon=1e-3,
                             centered=centered)
    check_against(opt, rmsprop_reference(0.02, 0.8, momentum, 1e-3, centered), steps=5)


def test_keras_docstring_example():
    import ember
    w = ember.Variable(10.0)
    opt = optimizers.RMSprop(learning_rate=0.1)
    opt.minimize(lambda: (w ** 2) / 2.0, [w])
    assert np.isclose(float(w), 9.683772, atol=1e-5)


def test_slot_order_and_config():
    opt = optimizers.RMSprop(momentum=0.5, centered=True, name="rms")
    check_against(opt, rmsprop_reference(0.001, 0.9, 0.5, 1e-7, True), steps=1)
    names = [v.name for v in opt.variables]
    assert names == ["iteration", "learning_rate", "layer_w0_velocity", "layer_w1_velocity",
                     "layer_w0_momentum", "layer_w1_momentum", "layer_w0_average_gradient",
                     "layer_w1_average_gradient"]
    config = opt.get_config()
    assert (config["rho"], config["momentum"], config["epsilon"], config["centered"]) == \
        (0.9, 0.5, 1e-7, True)
    assert optimizers.RMSprop.from_config(config).get_config() == config


def test_lowers_quadratic_loss():
    first, last = quadratic_descent(optimizers.RMSprop(0.05), steps=80)
    assert last < 1e-2 * first
