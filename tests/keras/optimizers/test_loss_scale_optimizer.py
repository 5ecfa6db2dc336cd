"""LossScaleOptimizer: dynamic loss scaling, checked against a NumPy re-statement of
Keras 3's rules (and the variable order / config Keras 3.15 writes)."""
import numpy as np
import pytest

import ember
from ember import keras
from ember.keras import optimizers


def _grads():
    rng = np.random.default_rng(0)
    grads = [[rng.normal(size=(3, 2)).astype("float32") * 100,
              rng.normal(size=(2,)).astype("float32") * 100] for _ in range(6)]
    grads[2][0][0, 0] = np.inf
    grads[4][1][1] = np.nan
    return grads


def test_scale_schedule_and_updates_follow_keras_rules():
    w0 = [np.ones((3, 2), "float32"), np.zeros(2, "float32")]
    variables = [ember.Variable(w.copy()) for w in w0]
    opt = optimizers.LossScaleOptimizer(optimizers.SGD(0.1), initial_scale=8.0,
                                        dynamic_growth_steps=2)
    ref = [w.astype("float64") for w in w0]
    scale, counter, steps = 8.0, 0, 0
    for grads in _grads():
        opt.apply([ember.constant(g) for g in grads], variables)
        if all(np.isfinite(g).all() for g in grads):
            ref = [w - 0.1 * g / scale for w, g in zip(ref, grads)]
            steps += 1
            if counter == 1:
                scale, counter = scale * 2, 0
            else:
                counter += 1
        else:                       # skipped step, scale halved
            scale, counter = scale / 2, 0
        assert float(opt.dynamic_scale) == scale
        assert int(opt.step_counter) == counter
        assert int(opt.iterations) == steps
        for v, r in zip(variables, ref):
            np.testing.assert_allclose(v.numpy(), r, rtol=1e-5)
    assert float(opt.scale_loss(ember.constant(2.0))) == 2.0 * scale


def test_variables_config_and_delegation():
    opt = optimizers.LossScaleOptimizer(optimizers.Adam(0.1, loss_scale_factor=4.0),
                                        initial_scale=8.0)
    assert opt.inner_optimizer.loss_scale_factor is None   # no double unscaling
    opt.build([keras.Variable(np.ones(2, "float32"), name="w")])
    names = [v.path.split("/")[-1] for v in opt.variables]
    assert names == ["iteration", "learning_rate", "step_counter", "dynamic_scale",
                     "iteration", "learning_rate", "w_momentum", "w_velocity"]
    opt.learning_rate = 0.5
    assert float(opt.inner_optimizer.learning_rate) == 0.5
    config = opt.get_config()
    assert config["inner_optimizer"]["class_name"] == "Adam"
    assert {k: config[k] for k in ("name", "initial_scale", "dynamic_growth_steps")} == \
        {"name": opt.name, "initial_scale": 8.0, "dynamic_growth_steps": 2000}
    again = optimizers.deserialize(optimizers.serialize(opt))
    assert isinstance(again, optimizers.LossScaleOptimizer)
    assert isinstance(again.inner_optimizer, optimizers.Adam)
    assert float(again.learning_rate) == 0.5 and float(again.dynamic_scale) == 8.0


@pytest.mark.parametrize("kwargs, match", [({"clipnorm": 1.0}, "does not support `clipnorm`"),
                                           ({"foo": 1}, "does not support arguments: `foo`"),
                                           ({"dynamic": False}, "dynamic=False")])
def test_rejected_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        optimizers.LossScaleOptimizer(optimizers.SGD(), **kwargs)


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_fit_skips_overflowing_steps():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(16, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    weights = [np.full((3, 1), 0.1, "float32"), np.zeros(1, "float32")]
    model.set_weights(weights)
    # a scale near float32's maximum: the scaled gradients overflow until it has halved
    model.compile(optimizers.LossScaleOptimizer(optimizers.SGD(0.05), initial_scale=3e38,
                                                dynamic_growth_steps=100), "mse")
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    opt = model.optimizer
    skipped = 4 - int(opt.iterations)
    assert 1 <= skipped < 4
    assert float(opt.dynamic_scale) == pytest.approx(3e38 / 2 ** skipped, rel=1e-6)
    assert np.isfinite(model.get_weights()[0]).all()
    assert not np.allclose(model.get_weights()[0], weights[0])
