import warnings

import numpy as np
import pytest

import ember
from ember.keras import constraints, optimizers
from ember.keras.optimizers import schedules
from ember.keras.variables import KerasVariable


def var(values, name="w", constraint=None):
    return KerasVariable(np.asarray(values, np.float32), name=name, path=f"layer/{name}",
                         constraint=constraint)


def grad(values):
    return ember.constant(np.asarray(values, np.float32))


# -- construction ----------------------------------------------------------------------------
def test_iterations_and_learning_rate_variables():
    opt = optimizers.SGD(0.1, name="my_sgd")
    assert opt.iterations.dtype == ember.int64 and int(opt.iterations) == 0
    assert [v.path for v in opt.variables] == ["my_sgd/iteration", "my_sgd/learning_rate"]
    assert opt.learning_rate is opt.variables[1]
    assert np.isclose(float(opt.learning_rate), 0.1)


def test_names_are_unique_snake_case():
    a, b = optimizers.RMSprop(), optimizers.RMSprop()
    assert a.name.startswith("rm_sprop") and a.name != b.name


@pytest.mark.parametrize("lr", [1, np.float32(0.5), ember.constant(0.25)])
def test_numeric_learning_rates_accepted(lr):
    assert np.isclose(float(optimizers.SGD(lr).learning_rate), float(lr))


@pytest.mark.parametrize("lr", ["0.1", None, [0.1, 0.2]])
def test_bad_learning_rate(lr):
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.SGD(lr)


def test_argument_checks():
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        optimizers.SGD(gradient_accumulation_steps=1)
    with pytest.raises(ValueError, match="ema_momentum"):
        optimizers.SGD(use_ema=True, ema_momentum=1.5)
    with pytest.raises(ValueError, match="ema_overwrite_frequency"):
        optimizers.SGD(use_ema=True, ema_overwrite_frequency=0.5)
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.SGD(lr=0.1)
    with pytest.warns(UserWarning, match="decay"):
        optimizers.SGD(decay=0.1)


# -- applying --------------------------------------------------------------------------------
def test_apply_gradients_returns_iterations_and_counts():
    w = var([1.0, 2.0])
    opt = optimizers.SGD(0.5)
    it = opt.apply_gradients([(grad([1.0, 1.0]), w)])
    assert it is opt.iterations and int(it) == 1
    opt.apply([grad([1.0, 1.0])])          # built: variables may be left out
    np.testing.assert_allclose(w.numpy(), [0.0, 1.0])
    assert int(opt.iterations) == 2


def test_apply_errors():
    opt = optimizers.SGD()
    with pytest.raises(ValueError, match="must already be built"):
        opt.apply([grad([1.0])])
    a, b = var([1.0], "a"), var([1.0], "b")
    opt.apply([grad([1.0])], [a])
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply([grad([1.0])], [b])
    with pytest.raises(ValueError, match="one-to-one"):
        opt.apply([grad([1.0]), grad([1.0])])
    with pytest.raises(ValueError, match=r"layer/a.*shape \(2,\).*\(1,\)"):
        opt.apply([grad([1.0, 2.0])], [a])
    with pytest.raises(ValueError, match="2 gradients for 1 variables"):
        opt.apply([grad([1.0]), grad([1.0])], [a])


def test_none_gradients_are_skipped_with_a_warning():
    a, b = var([1.0], "a"), var([1.0], "b")
    opt = optimizers.Adam(0.1)
    with pytest.warns(UserWarning, match=r"layer/b"):
        opt.apply_gradients([(grad([1.0]), a), (None, b)])
    assert float(b[0]) == 1.0 and float(a[0]) < 1.0
    assert int(opt.iterations) == 1
    with pytest.raises(ValueError, match="No gradients provided"):
        opt.apply_gradients([(None, a), (None, b)])


def test_empty_gradients_are_a_no_op():
    opt = optimizers.SGD()
    opt.apply_gradients([])
    opt.apply([], [])
    assert int(opt.iterations) == 0


def test_constraint_applied_after_update():
    w = var([0.5, 1.0], constraint=constraints.NonNeg())
    optimizers.SGD(1.0).apply_gradients([(grad([1.0, 0.5]), w)])
    np.testing.assert_allclose(w.numpy(), [0.0, 0.5])


def test_loss_scale_factor_unscales_gradients():
    w = var([1.0])
    opt = optimizers.SGD(0.1, loss_scale_factor=4.0)
    assert float(opt.scale_loss(ember.constant(2.0))) == 8.0
    opt.apply_gradients([(grad([4.0]), w)])
    np.testing.assert_allclose(w.numpy(), [0.9], rtol=1e-6)


def test_updates_are_not_recorded_on_active_tapes():
    w = var([1.0, 2.0])
    opt = optimizers.Adam(0.1, use_ema=True, clipnorm=1.0, weight_decay=0.1)
    with ember.GradientTape(persistent=True) as tape:
        loss = ember.reduce_sum(w * w)
        g = tape.gradient(loss, w)
        recorded = len(tape._nodes)
        opt.apply_gradients([(g, w)])
        assert len(tape._nodes) == recorded
    np.testing.assert_allclose(tape.gradient(loss, w).numpy(), [2.0, 4.0])


def test_minimize_with_tape_and_callable():
    w = var([3.0])
    opt = optimizers.SGD(0.25)
    with ember.GradientTape() as tape:
        loss = ember.reduce_sum(w * w)
    opt.minimize(loss, [w], tape=tape)
    np.testing.assert_allclose(w.numpy(), [1.5])
    opt.minimize(lambda: ember.reduce_sum(w * w), lambda: [w])
    np.testing.assert_allclose(w.numpy(), [0.75])
    with pytest.raises(ValueError, match="tape"):
        opt.minimize(ember.constant(1.0), [w])


# -- clipping --------------------------------------------------------------------------------
def test_clipnorm_is_per_variable():
    a, b = var([0.0, 0.0], "a"), var([0.0], "b")
    optimizers.SGD(1.0, clipnorm=1.0).apply_gradients(
        [(grad([3.0, 4.0]), a), (grad([0.5]), b)])
    np.testing.assert_allclose(a.numpy(), [-0.6, -0.8], rtol=1e-6)
    np.testing.assert_allclose(b.numpy(), [-0.5], rtol=1e-6)


def test_global_clipnorm_scales_all_together():
    a, b = var([0.0, 0.0], "a"), var([0.0], "b")
    optimizers.SGD(1.0, global_clipnorm=2.5).apply_gradients(
        [(grad([3.0, 0.0]), a), (grad([4.0]), b)])
    np.testing.assert_allclose(a.numpy(), [-1.5, 0.0], rtol=1e-6)
    np.testing.assert_allclose(b.numpy(), [-2.0], rtol=1e-6)


def test_clipvalue():
    a = var([0.0, 0.0, 0.0])
    optimizers.SGD(1.0, clipvalue=0.5).apply_gradients([(grad([3.0, -0.2, -7.0]), a)])
    np.testing.assert_allclose(a.numpy(), [-0.5, 0.2, 0.5], rtol=1e-6)


# -- weight decay ----------------------------------------------------------------------------
def test_decoupled_weight_decay_and_exclusions():
    kernel, bias, other = var([1.0, 2.0], "kernel"), var([1.0], "bias"), var([4.0], "other")
    opt = optimizers.SGD(0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_list=[other], var_names=["bias"])
    opt.apply_gradients([(grad([1.0, 1.0]), kernel), (grad([1.0]), bias),
                         (grad([1.0]), other)])
    # w - w * wd * lr - lr * g
    np.testing.assert_allclose(kernel.numpy(), [1 - 0.05 - 0.1, 2 - 0.1 - 0.1], rtol=1e-6)
    np.testing.assert_allclose(bias.numpy(), [0.9], rtol=1e-6)
    np.testing.assert_allclose(other.numpy(), [3.9], rtol=1e-6)


# -- exponential moving average -----------------------------------------------------------------
def test_ema_tracks_and_finalizes():
    w = var([1.0])
    opt = optimizers.SGD(0.1, use_ema=True, ema_momentum=0.9)
    values = []
    for _ in range(3):
        opt.apply_gradients([(grad([1.0]), w)])
        values.append(float(w[0]))
    average = opt.variables[2]
    assert average.name == "layer_w_average"
    expected = values[0]                      # the first step copies the weights
    for v in values[1:]:
        expected = 0.9 * expected + 0.1 * v
    np.testing.assert_allclose(float(average[0]), expected, rtol=1e-6)
    opt.finalize_variable_values([w])
    np.testing.assert_allclose(float(w[0]), expected, rtol=1e-6)


def test_ema_overwrite_frequency():
    w = var([1.0])
    opt = optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=2)
    opt.apply_gradients([(grad([1.0]), w)])       # w = 0.9, average = 0.9
    np.testing.assert_allclose(float(w[0]), 0.9, rtol=1e-6)
    opt.apply_gradients([(grad([1.0]), w)])       # w = 0.8, average 0.85, overwritten
    np.testing.assert_allclose(float(w[0]), 0.85, rtol=1e-6)


# -- gradient accumulation -----------------------------------------------------------------------
def test_gradient_accumulation_applies_the_mean_every_n_steps():
    w = var([1.0, 1.0])
    opt = optimizers.SGD(0.1, gradient_accumulation_steps=3)
    grads = [[1.0, 2.0], [3.0, 0.0], [2.0, 1.0]]
    for i, g in enumerate(grads):
        opt.apply_gradients([(grad(g), w)])
        if i < 2:
            np.testing.assert_allclose(w.numpy(), [1.0, 1.0])
    np.testing.assert_allclose(w.numpy(), [1 - 0.1 * 2.0, 1 - 0.1 * 1.0], rtol=1e-6)
    accumulator = opt.variables[2]
    assert accumulator.name == "layer_w_gradient_accumulator"
    np.testing.assert_allclose(accumulator.numpy(), [0.0, 0.0])
    assert int(opt._iterations) == 3 and int(opt.iterations) == 1


def test_gradient_accumulation_counts_adam_steps_in_updates():
    w_acc, w_ref = var([1.0], "a"), var([1.0], "b")
    acc = optimizers.Adam(0.1, gradient_accumulation_steps=2)
    ref = optimizers.Adam(0.1)
    for g1, g2 in [(1.0, 3.0), (-2.0, 0.5)]:
        acc.apply_gradients([(grad([g1]), w_acc)])
        acc.apply_gradients([(grad([g2]), w_acc)])
        ref.apply_gradients([(grad([(g1 + g2) / 2]), w_ref)])
    np.testing.assert_allclose(w_acc.numpy(), w_ref.numpy(), rtol=1e-6)


def test_variable_order_with_ema_and_accumulation():
    a, b = var([1.0], "a"), var([1.0, 2.0], "b")
    opt = optimizers.Adam(use_ema=True, gradient_accumulation_steps=2, name="adam")
    opt.build([a, b])
    assert [v.name for v in opt.variables] == [
        "iteration", "learning_rate", "layer_a_average", "layer_b_average",
        "layer_a_gradient_accumulator", "layer_b_gradient_accumulator",
        "layer_a_momentum", "layer_a_velocity", "layer_b_momentum", "layer_b_velocity"]


def test_overwrite_with_gradient_variables():
    w, scale = var([1.0], "w"), var([0.0], "scale")
    scale.overwrite_with_gradient = True
    opt = optimizers.Adam(0.1)
    opt.apply_gradients([(grad([1.0]), w), (grad([7.0]), scale)])
    assert float(scale[0]) == 7.0
    assert len(opt.variables) == 2 + 2       # no slots for the overwritten variable


# -- learning rate ---------------------------------------------------------------------------
def test_learning_rate_setter():
    w = var([1.0])
    opt = optimizers.SGD(0.1)
    lr_variable = opt.learning_rate
    opt.learning_rate = 0.5
    assert opt.learning_rate is lr_variable and np.isclose(float(lr_variable), 0.5)
    opt.apply_gradients([(grad([1.0]), w)])
    np.testing.assert_allclose(w.numpy(), [0.5])
    assert np.isclose(opt.get_config()["learning_rate"], 0.5)


def test_schedule_learning_rate():
    w = var([0.0])
    schedule = schedules.ExponentialDecay(1.0, decay_steps=1, decay_rate=0.5)
    opt = optimizers.SGD(schedule)
    assert [v.name for v in opt.variables] == ["iteration"]
    for _ in range(3):
        opt.apply_gradients([(grad([1.0]), w)])
    np.testing.assert_allclose(w.numpy(), [-(1 + 0.5 + 0.25)], rtol=1e-6)
    np.testing.assert_allclose(float(opt.learning_rate), 0.125, rtol=1e-6)
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.1


def test_setting_a_schedule_untracks_the_variable():
    opt = optimizers.SGD(0.1)
    opt.learning_rate = schedules.InverseTimeDecay(0.1, 1, 1.0)
    assert [v.name for v in opt.variables] == ["iteration"]


def test_callable_learning_rate():
    w = var([0.0])
    opt = optimizers.SGD(lambda: 0.25)
    opt.apply_gradients([(grad([1.0]), w)])
    np.testing.assert_allclose(w.numpy(), [-0.25])


# -- state and config ----------------------------------------------------------------------------
def test_save_and_load_own_variables():
    w = var([1.0, 2.0])
    opt = optimizers.Adam(0.1)
    opt.apply_gradients([(grad([1.0, -1.0]), w)])
    store = {}
    opt.save_own_variables(store)
    assert sorted(store) == ["0", "1", "2", "3"]
    other = optimizers.Adam(0.1)
    other.build([w])
    other.load_own_variables(store)
    for x, y in zip(opt.variables, other.variables):
        np.testing.assert_array_equal(x.numpy(), y.numpy())
    fresh = optimizers.Adam()
    with pytest.warns(UserWarning, match="Skipping variable loading"):
        fresh.load_own_variables(store)
    other.set_weights([v.numpy() * 0 for v in opt.variables])
    assert int(other.iterations) == 0
    with pytest.raises(ValueError, match="not yet been built"):
        fresh.set_weights([])


def test_config_with_schedule_round_trips():
    schedule = schedules.CosineDecay(0.1, 100, alpha=0.1)
    opt = optimizers.Adam(schedule, clipnorm=1.0, use_ema=True)
    config = opt.get_config()
    assert config["learning_rate"]["class_name"] == "CosineDecay"
    assert config["learning_rate"]["module"] == "keras.optimizers.schedules"
    again = optimizers.Adam.from_config(config)
    assert isinstance(again._learning_rate, schedules.CosineDecay)
    assert again.get_config() == config


def test_float_learning_rate_in_config_is_the_float32_value():
    config = optimizers.Adam(0.001).get_config()
    assert config["learning_rate"] == float(np.float32(0.001))


def test_custom_optimizer_subclass():
    class HalfStep(optimizers.Optimizer):
        def build(self, variables):
            if self.built:
                return
            super().build(variables)
            self.counts = self.add_optimizer_variables(variables, "count")

        def update_step(self, gradient, variable, learning_rate):
            count = self.counts[self._get_variable_index(variable)]
            self.assign_add(count, ember.ones_like(gradient))
            self.assign_sub(variable, 0.5 * gradient * ember.cast(learning_rate,
                                                                   variable.dtype))

    w = var([1.0])
    opt = HalfStep(learning_rate=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.apply_gradients([(grad([1.0]), w)])
    np.testing.assert_allclose(w.numpy(), [0.5])
    assert float(opt.variables[-1][0]) == 1.0


def test_from_config_accepts_real_keras_and_keras2_configs():
    keras3 = {"name": "adam", "learning_rate": 0.0010000000474974513, "weight_decay": None,
              "clipnorm": None, "global_clipnorm": None, "clipvalue": None, "use_ema": False,
              "ema_momentum": 0.99, "ema_overwrite_frequency": None,
              "loss_scale_factor": None, "gradient_accumulation_steps": None,
              "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False}
    assert optimizers.Adam.from_config(keras3).get_config() == keras3
    keras2 = dict(keras3, jit_compile=True, is_legacy_optimizer=False)
    assert optimizers.Adam.from_config(keras2).get_config() == keras3
