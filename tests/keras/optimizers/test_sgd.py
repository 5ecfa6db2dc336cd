import numpy as np
import pytest
from optimizer_checks import check_against, quadratic_descent

from ember.keras import optimizers


def sgd_reference(lr, momentum=0.0, nesterov=False):
    def run(w, grads):
        out, velocity = [], np.zeros_like(w)
        for g in grads:
            if momentum == 0:
                w = w - lr * g
            else:
                velocity = momentum * velocity - lr * g
                w = w + (momentum * velocity - lr * g if nesterov else velocity)
            out.append(w)
        return out
    return run


@pytest.mark.parametrize("momentum,nesterov", [(0.0, False), (0.9, False), (0.7, True)])
def test_update_rule(momentum, nesterov):
    opt = optimizers.SGD(learning_rate=0.05, momentum=momentum, nesterov=nesterov)
    check_against(opt, sgd_reference(0.05, momentum, nesterov))


def test_defaults_and_config():
    opt = optimizers.SGD()
    assert np.isclose(float(opt.learning_rate), 0.01)
    config = opt.get_config()
    assert config["momentum"] == 0.0 and config["nesterov"] is False
    assert set(config) == {"name", "learning_rate", "weight_decay", "clipnorm",
                           "global_clipnorm", "clipvalue", "use_ema", "ema_momentum",
                           "ema_overwrite_frequency", "loss_scale_factor",
                           "gradient_accumulation_steps", "momentum", "nesterov"}
    again = optimizers.SGD.from_config(config)
    assert again.get_config() == config


def test_no_momentum_slots_without_momentum():
    opt = optimizers.SGD()
    check_against(opt, sgd_reference(0.01), steps=1)
    assert [v.name for v in opt.variables] == ["iteration", "learning_rate"]


@pytest.mark.parametrize("momentum", [-0.1, 1.5, "0.9"])
def test_bad_momentum(momentum):
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=momentum)


def test_lowers_quadratic_loss():
    first, last = quadratic_descent(optimizers.SGD(0.1, momentum=0.5))
    assert last < 1e-3 * first
