import numpy as np
from optimizer_checks import check_against, quadratic_descent

from ember.keras import optimizers


def adagrad_reference(lr, initial, eps):
    def run(w, grads):
        acc = np.full_like(w, initial)
        out = []
        for g in grads:
            acc = acc + g * g
            w = w - lr * g / np.sqrt(acc + eps)
            out.append(w)
        return out
    return run


def test_update_rule():
    opt = optimizers.Adagrad(learning_rate=0.1, initial_accumulator_value=0.3, epsilon=1e-3)
    check_against(opt, adagrad_reference(0.1, 0.3, 1e-3))


def test_defaults_accumulator_start_and_config():
    opt = optimizers.Adagrad()
    check_against(opt, adagrad_reference(0.001, 0.1, 1e-7), steps=2)
    accumulator = opt.variables[2]
    assert accumulator.name == "layer_w0_accumulator"
    config = opt.get_config()
    assert (config["initial_accumulator_value"], config["epsilon"]) == (0.1, 1e-7)
    assert optimizers.Adagrad.from_config(config).get_config() == config


def test_lowers_quadratic_loss():
    first, last = quadratic_descent(optimizers.Adagrad(0.5), steps=80)
    assert last < 1e-2 * first
