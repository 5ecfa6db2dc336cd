import numpy as np
import pytest
from optimizer_checks import check_against, quadratic_descent

import ember
from ember.keras import optimizers


def adam_reference(lr, b1, b2, eps, amsgrad=False):
    def run(w, grads):
        m = v = v_max = np.zeros_like(w)
        out = []
        for t, g in enumerate(grads, start=1):
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            v_max = np.maximum(v_max, v)
            alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
            w = w - alpha * m / (np.sqrt(v_max if amsgrad else v) + eps)
            out.append(w)
        return out
    return run


@pytest.mark.parametrize("amsgrad", [False, True])
def test_update_rule(amsgrad):
    opt = optimizers.Adam(learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-3,
                          amsgrad=amsgrad)
    check_against(opt, adam_reference(0.05, 0.8, 0.95, 1e-3, amsgrad), steps=5)


def test_default_hyperparameters():
    opt = optimizers.Adam()
    check_against(opt, adam_reference(0.001, 0.9, 0.999, 1e-7))
    config = opt.get_config()
    assert (config["beta_1"], config["beta_2"], config["epsilon"], config["amsgrad"]) == \
        (0.9, 0.999, 1e-7, False)
    assert np.isclose(config["learning_rate"], 0.001)


def test_slot_names_follow_keras():
    layer = ember.keras.layers.Dense(3, name="dense_adam_slots")
    layer.build((None, 2))
    opt = optimizers.Adam(name="adam", amsgrad=True)
    opt.build(layer.trainable_variables)
    assert [v.path for v in opt.variables] == [
        "adam/iteration", "adam/learning_rate",
        "adam/dense_adam_slots_kernel_momentum", "adam/dense_adam_slots_kernel_velocity",
        "adam/dense_adam_slots_bias_momentum", "adam/dense_adam_slots_bias_velocity",
        "adam/dense_adam_slots_kernel_velocity_hat",
        "adam/dense_adam_slots_bias_velocity_hat"]
    assert opt.variables[2].name == "dense_adam_slots_kernel_momentum"
    assert [tuple(v.shape) for v in opt.variables[2:6]] == [(2, 3), (2, 3), (3,), (3,)]
    assert opt.iterations.dtype == ember.int64
    assert not any(v.trainable for v in opt.variables)


def test_float64_variables_keep_float64_slots():
    w = ember.Variable(np.array([1.0, 2.0]), dtype="float64")
    opt = optimizers.Adam(0.1)
    opt.apply_gradients([(ember.constant(np.array([0.5, 0.5])), w)])
    assert w.dtype == ember.float64
    assert all(v.dtype == ember.float64 for v in opt.variables[2:])
    np.testing.assert_allclose(w.numpy(), [0.9, 1.9], rtol=1e-6)


def test_lowers_quadratic_loss():
    first, last = quadratic_descent(optimizers.Adam(0.2), steps=80)
    assert last < 1e-2 * first
