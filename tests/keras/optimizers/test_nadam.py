import numpy as np
from optimizer_checks import check_against, quadratic_descent

from ember.keras import optimizers


def nadam_reference(lr, b1, b2, eps):
    def run(w, grads):
        m = v = np.zeros_like(w)
        product = 1.0
        out = []
        for t, g in enumerate(grads, start=1):
            u_t = b1 * (1 - 0.5 * 0.96 ** t)
            u_next = b1 * (1 - 0.5 * 0.96 ** (t + 1))
            product = product * u_t
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            m_hat = u_next * m / (1 - product * u_next) + (1 - u_t) * g / (1 - product)
            v_hat = v / (1 - b2 ** t)
            w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
            out.append(w)
        return out
    return run


def test_update_rule():
    opt = optimizers.Nadam(learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-3)
    check_against(opt, nadam_reference(0.05, 0.8, 0.95, 1e-3), steps=5)


def test_defaults_and_variables():
    opt = optimizers.Nadam()
    check_against(opt, nadam_reference(0.001, 0.9, 0.999, 1e-7), steps=3)
    # the momentum-schedule product is the last variable, as in Keras
    assert len(opt.variables) == 2 + 2 * 2 + 1
    assert tuple(opt.variables[-1].shape) == ()
    expected = np.prod([0.9 * (1 - 0.5 * 0.96 ** t) for t in (1, 2, 3)])
    np.testing.assert_allclose(float(opt.variables[-1]), expected, rtol=1e-6)
    config = opt.get_config()
    assert optimizers.Nadam.from_config(config).get_config() == config


def test_lowers_quadratic_loss():
    first, last = quadratic_descent(optimizers.Nadam(0.2), steps=80)
    assert last < 1e-2 * first
