import numpy as np
import pytest
from optimizer_checks import check_against, quadratic_descent

from ember.keras import optimizers


def lion_reference(lr, b1, b2):
    def run(w, grads):
        m = np.zeros_like(w)
        out = []
        for g in grads:
            w = w - lr * np.sign(b1 * m + (1 - b1) * g)
            m = b2 * m + (1 - b2) * g
            out.append(w)
        return out
    return run


def test_update_rule():
    opt = optimizers.Lion(learning_rate=0.05, beta_1=0.7, beta_2=0.9)
    check_against(opt, lion_reference(0.05, 0.7, 0.9), steps=5)


def test_defaults_and_config():
    opt = optimizers.Lion()
    check_against(opt, lion_reference(0.001, 0.9, 0.99), steps=2)
    config = opt.get_config()
    assert (config["beta_1"], config["beta_2"]) == (0.9, 0.99)
    assert optimizers.Lion.from_config(config).get_config() == config


@pytest.mark.parametrize("beta_1", [0.0, 1.5])
def test_bad_beta_1(beta_1):
    with pytest.raises(ValueError, match="beta_1"):
        optimizers.Lion(beta_1=beta_1)


def test_lowers_quadratic_loss():
    first, last = quadratic_descent(optimizers.Lion(0.1), steps=80)
    assert last < 1e-2 * first
