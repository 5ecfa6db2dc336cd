import numpy as np
from optimizer_checks import check_against, quadratic_descent

import ember
from ember.keras import optimizers


def lamb_reference(lr, b1, b2, eps):
    def run(w, grads):
        m = v = np.zeros_like(w)
        out = []
        for t, g in enumerate(grads, start=1):
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            update = (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
            w_norm, u_norm = np.linalg.norm(w), np.linalg.norm(update)
            ratio = w_norm / u_norm if w_norm > 0 and u_norm > 0 else 1.0
            w = w - ratio * lr * update
            out.append(w)
        return out
    return run


def test_update_rule():
    opt = optimizers.Lamb(learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-3)
    check_against(opt, lamb_reference(0.05, 0.8, 0.95, 1e-3), steps=5)


def test_zero_weights_use_ratio_one():
    w = ember.Variable([0.0, 0.0])
    optimizers.Lamb(0.1).apply_gradients([(ember.constant([1.0, -1.0]), w)])
    np.testing.assert_allclose(w.numpy(), [-0.1, 0.1], rtol=1e-5)


def test_config():
    config = optimizers.Lamb().get_config()
    assert (config["beta_1"], config["beta_2"], config["epsilon"]) == (0.9, 0.999, 1e-7)
    assert optimizers.Lamb.from_config(config).get_config() == config


def test_lowers_quadratic_loss():
    # starting from w = 0 the trust ratio makes the first steps tiny; it then speeds up
    first, last = quadratic_descent(optimizers.Lamb(0.05), steps=80)
    assert last < 0.05 * first
