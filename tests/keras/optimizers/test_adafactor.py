import numpy as np
import pytest
from optimizer_checks import check_against, quadratic_descent

import ember
from ember.keras import optimizers


def rms(x):
    return np.sqrt(np.mean(x * x))


def adafactor_reference(lr, decay, eps1, eps2, clip, relative):
    def run(w, grads):
        r = np.zeros(w.shape[:-1]) if w.ndim >= 2 else None
        c = np.zeros(w.shape[:-2] + w.shape[-1:]) if w.ndim >= 2 else None
        v = np.zeros_like(w)
        out = []
        for t, g in enumerate(grads, start=1):
            step_lr = min(lr, 1 / np.sqrt(t)) if relative else lr
            rho = min(step_lr, 1 / np.sqrt(t))
            alpha = max(eps2, rms(w)) * rho
            reg = g * g + eps1
            beta = 1 - t ** decay
            if w.ndim >= 2:
                r = beta * r + (1 - beta) * reg.mean(axis=-1)
                c = beta * c + (1 - beta) * reg.mean(axis=-2)
                v = (r / r.mean(axis=-1, keepdims=True))[..., None] * c[..., None, :]
            else:
                v = beta * v + (1 - beta) * reg
            u = g / np.sqrt(v)
            w = w - alpha * u / max(1.0, rms(u) / clip)
            out.append(w)
        return out
    return run


@pytest.mark.parametrize("relative", [True, False])
def test_update_rule(relative):
    opt = optimizers.Adafactor(learning_rate=0.3, beta_2_decay=-0.6, epsilon_2=1e-2,
                               clip_threshold=0.8, relative_step=relative)
    check_against(opt, adafactor_reference(0.3, -0.6, 1e-30, 1e-2, 0.8, relative), steps=5)


def test_factored_slots():
    w3 = ember.Variable(np.ones((2, 3, 4), np.float32), name="w3")
    b = ember.Variable(np.ones((4,), np.float32), name="b")
    opt = optimizers.Adafactor(name="adafactor")
    opt.build([w3, b])
    shapes = [tuple(v.shape) for v in opt.variables[2:]]
    assert shapes == [(2, 3), (2, 4), (2, 3, 4), (), (), (4,)]
    assert [v.name for v in opt.variables[2:]] == ["w3", "w3", "w3_0_velocity", "b", "b",
                                                   "b_0_velocity"]


def test_config():
    config = optimizers.Adafactor().get_config()
    assert {k: config[k] for k in ("beta_2_decay", "epsilon_1", "epsilon_2",
                                   "clip_threshold", "relative_step")} == \
        {"beta_2_decay": -0.8, "epsilon_1": 1e-30, "epsilon_2": 1e-3, "clip_threshold": 1.0,
         "relative_step": True}
    assert optimizers.Adafactor.from_config(config).get_config() == config


def test_lowers_quadratic_loss():
    first, last = quadratic_descent(optimizers.Adafactor(0.3), steps=80)
    assert last < 0.1 * first
