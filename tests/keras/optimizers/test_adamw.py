import numpy as np
import pytest
from optimizer_checks import check_against, quadratic_descent

from ember.keras import optimizers


def adamw_reference(lr, wd, b1, b2, eps):
    def run(w, grads):
        out = []
        m = v = np.zeros_like(w)
        for t, g in enumerate(grads, start=1):
            w = w - w * wd * lr                      # decoupled decay, before the step
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            w = w - lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t) * m / (np.sqrt(v) + eps)
            out.append(w)
        return out
    return run


def test_update_rule():
    opt = optimizers.AdamW(learning_rate=0.05, weight_decay=0.1, beta_1=0.8, beta_2=0.95)
    check_against(opt, adamw_reference(0.05, 0.1, 0.8, 0.95, 1e-7))


def test_default_weight_decay_and_config():
    opt = optimizers.AdamW()
    assert opt.weight_decay == 0.004
    config = opt.get_config()
    assert config["weight_decay"] == 0.004
    assert optimizers.AdamW.from_config(config).get_config() == config


def test_weight_decay_required():
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)


def test_lowers_quadratic_loss():
    first, last = quadratic_descent(optimizers.AdamW(0.2, weight_decay=0.001), steps=80)
    assert last < 1e-2 * first
