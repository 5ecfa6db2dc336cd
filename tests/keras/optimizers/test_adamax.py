import numpy as np
from optimizer_checks import check_against, quadratic_descent

from ember.keras import optimizers


def adamax_reference(lr, b1, b2, eps):
    def run(w, grads):
        m = u = np.zeros_like(w)
        out = []
        for t, g in enumerate(grads, start=1):
            m = b1 * m + (1 - b1) * g
            u = np.maximum(b2 * u, np.abs(g))
            w = w - lr * m / ((1 - b1 ** t) * (u + eps))
            out.append(w)
        return out
    return run


def test_update_rule():
    opt = optimizers.Adamax(learning_rate=0.05, beta_1=0.7, beta_2=0.9, epsilon=1e-3)
    check_against(opt, adamax_reference(0.05, 0.7, 0.9, 1e-3), steps=5)


def test_defaults_and_config():
    opt = optimizers.Adamax()
    check_against(opt, adamax_reference(0.001, 0.9, 0.999, 1e-7), steps=2)
    assert [v.name for v in opt.variables[2:4]] == ["layer_w0_momentum", "layer_w0_norm"]
    config = opt.get_config()
    assert (config["beta_1"], config["beta_2"], config["epsilon"]) == (0.9, 0.999, 1e-7)
    assert optimizers.Adamax.from_config(config).get_config() == config


def test_lowers_quadratic_loss():
    first, last = quadratic_descent(optimizers.Adamax(0.3), steps=80)
    assert last < 1e-2 * first
