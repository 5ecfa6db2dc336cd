import numpy as np
import pytest
from optimizer_checks import check_against, quadratic_descent

from ember.keras import optimizers


def ftrl_reference(lr, power, initial, l1, l2, shrinkage, beta):
    def run(w, grads):
        n = np.full_like(w, initial)
        z = np.zeros_like(w)
        l2_total = l2 + beta / (2 * lr)
        out = []
        for g in grads:
            g_used = g + 2 * shrinkage * w
            n_new = n + g * g
            z = z + g_used - (n_new ** -power - n ** -power) / lr * w
            quadratic = n_new ** -power / lr + 2 * l2_total
            w = (np.clip(z, -l1, l1) - z) / quadratic
            n = n_new
            out.append(w)
        return out
    return run


@pytest.mark.parametrize("power,l1,l2,shrinkage,beta", [
    (-0.5, 0.0, 0.0, 0.0, 0.0), (-0.5, 0.05, 0.1, 0.0, 0.0), (-0.3, 0.01, 0.02, 0.05, 0.5)])
def test_update_rule(power, l1, l2, shrinkage, beta):
    opt = optimizers.Ftrl(learning_rate=0.2, learning_rate_power=power,
                          initial_accumulator_value=0.2, l1_regularization_strength=l1,
                          l2_regularization_strength=l2,
                          l2_shrinkage_regularization_strength=shrinkage, beta=beta)
    check_against(opt, ftrl_reference(0.2, power, 0.2, l1, l2, shrinkage, beta), steps=5)


def test_slots_and_config():
    opt = optimizers.Ftrl()
    check_against(opt, ftrl_reference(0.001, -0.5, 0.1, 0, 0, 0, 0), steps=1)
    assert [v.name for v in opt.variables[2:4]] == ["layer_w0_accumulator", "layer_w0_linear"]
    config = opt.get_config()
    assert {k: config[k] for k in ("learning_rate_power", "initial_accumulator_value",
                                   "l1_regularization_strength",
                                   "l2_regularization_strength",
                                   "l2_shrinkage_regularization_strength", "beta")} == \
        {"learning_rate_power": -0.5, "initial_accumulator_value": 0.1,
         "l1_regularization_strength": 0.0, "l2_regularization_strength": 0.0,
         "l2_shrinkage_regularization_strength": 0.0, "beta": 0.0}
    assert optimizers.Ftrl.from_config(config).get_config() == config


@pytest.mark.parametrize("kwargs", [{"initial_accumulator_value": -1.0},
                                    {"learning_rate_power": 0.5},
                                    {"l1_regularization_strength": -0.1},
                                    {"l2_regularization_strength": -0.1},
                                    {"l2_shrinkage_regularization_strength": -0.1}])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        optimizers.Ftrl(**kwargs)


def test_lowers_quadratic_loss():
    first, last = quadratic_descent(optimizers.Ftrl(0.5), steps=80)
    assert last < 1e-2 * first
