import numpy as np
from optimizer_checks import check_against, quadratic_descent

from ember.keras import optimizers


def adadelta_reference(lr, rho, eps):
    def run(w, grads):
        eg = edx = np.zeros_like(w)
        out = []
        for g in grads:
            eg = rho * eg + (1 - rho) * g * g
            delta = -np.sqrt(edx + eps) / np.sqrt(eg + eps) * g
            edx = rho * edx + (1 - rho) * delta * delta
            w = w + lr * delta
            out.append(w)
        return out
    return run


def test_update_rule():
    opt = optimizers.Adadelta(learning_rate=1.0, rho=0.8, epsilon=1e-3)
    check_against(opt, adadelta_reference(1.0, 0.8, 1e-3), steps=5)


def test_defaults_and_config():
    opt = optimizers.Adadelta()
    check_against(opt, adadelta_reference(0.001, 0.95, 1e-7), steps=2)
    assert [v.name for v in opt.variables[2:4]] == ["layer_w0_accumulated_grad",
                                                    "layer_w0_accumulated_delta_var"]
    config = opt.get_config()
    assert (config["rho"], config["epsilon"]) == (0.95, 1e-7)
    assert optimizers.Adadelta.from_config(config).get_config() == config


def test_lowers_quadratic_loss():
    first, last = quadratic_descent(optimizers.Adadelta(1.0, epsilon=1e-2), steps=80)
    assert last < 1e-2 * first
