"""ember.train.Checkpoint: round trips, deferred restoration, status checks, and
refusing damaged files with clear errors."""
import json
import os
import zlib

import numpy as np
import pytest

import ember
from ember import keras
from ember.train import atomic, file_format

# -- helpers ------------------------------------------------------------------------------


def files(directory):
    return sorted(os.listdir(directory))


def temp_files(directory):
    return [f for f in os.listdir(directory) if atomic.is_temp_file(f)]


def data_file(prefix):
    (path,) = file_format.data_files(prefix)
    return path


def rewrite_index(prefix, edit, fix_checksum=True):
    with open(prefix + ".index") as f:
        index = json.load(f)
    edit(index["checkpoint"])
    if fix_checksum:
        index["checksum"] = zlib.crc32(file_format._canonical(index["checkpoint"]))
    with open(prefix + ".index", "w") as f:
        json.dump(index, f)


X = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
Y = X.sum(axis=1, keepdims=True)


def make_model(seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                             keras.layers.BatchNormalization(), keras.layers.Dense(1)])


def train_step(model, optimizer):
    with ember.GradientTape() as tape:
        loss = ember.reduce_mean(ember.square(model(X, training=True) - Y))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))


# -- plain variables ----------------------------------------------------------------------


def test_variables_and_containers_round_trip(tmp_path):
    v = ember.Variable([1.0, 2.0])
    n = ember.Variable(np.int64(7))
    b = ember.Variable(np.array([True, False]))
    d = ember.Variable(np.arange(6.0).reshape(2, 3))        # float64
    ckpt = ember.train.Checkpoint(v=v, nested=[n, {"flag": b, "none": None}], d=d)
    path = ckpt.write(str(tmp_path / "c"))
    assert path == str(tmp_path / "c")
    for var in (v, n, b, d):
        var.assign(np.zeros(var.shape, var.dtype.name))
    status = ckpt.restore(path)
    assert status.assert_consumed() is status
    assert v.numpy().tolist() == [1.0, 2.0] and int(n) == 7
    assert b.numpy().tolist() == [True, False]
    assert d.dtype == ember.float64 and d.numpy().tolist() == [[0, 1, 2], [3, 4, 5]]


def test_save_numbers_checkpoints_and_restores_the_counter(tmp_path):
    v = ember.Variable(1.0)
    ckpt = ember.train.Checkpoint(v=v)
    prefix = str(tmp_path / "ckpt")
    assert ckpt.save(prefix) == prefix + "-1"
    assert ckpt.save(prefix) == prefix + "-2"
    assert int(ckpt.save_counter) == 2
    assert ember.train.latest_checkpoint(str(tmp_path)) == prefix + "-2"
    fresh = ember.train.Checkpoint(v=ember.Variable(0.0))
    fresh.restore(prefix + "-1").assert_consumed()
    assert int(fresh.save_counter) == 1
    assert fresh.save(prefix) == prefix + "-2"      # numbering carries on


def test_write_does_not_number_or_update_the_state_file(tmp_path):
    ckpt = ember.train.Checkpoint(v=ember.Variable(1.0))
    ckpt.write(str(tmp_path / "a"))
    assert "checkpoint" not in files(tmp_path)
    assert ember.train.latest_checkpoint(str(tmp_path)) is None
    ckpt2 = ember.train.Checkpoint(v=ember.Variable(0.0))
    ckpt2.read(str(tmp_path / "a")).assert_consumed()  # no save_counter needed


def test_writing_the_same_prefix_again_replaces_it(tmp_path):
    v = ember.Variable(1.0)
    ckpt = ember.train.Checkpoint(v=v)
    prefix = str(tmp_path / "latest")
    ckpt.write(prefix)
    v.assign(2.0)
    ckpt.write(prefix)
    assert len(file_format.data_files(prefix)) == 1 and not temp_files(tmp_path)
    v.assign(0.0)
    ckpt.restore(prefix)
    assert float(v) == 2.0


def test_shared_variable_is_stored_once(tmp_path):
    v = ember.Variable([1.0, 2.0, 3.0])
    ckpt = ember.train.Checkpoint(a=v, b=[v])
    prefix = ckpt.write(str(tmp_path / "c"))
    with open(prefix + ".index") as f:
        body = json.load(f)["checkpoint"]
    assert len(body["arrays"]) == 1 and len(body["objects"]) == 2
    assert ember.train.list_variables(prefix) == [("a", [3]), ("b/0", [3])]
    np.testing.assert_array_equal(ember.train.load_variable(prefix, "b/0"), [1, 2, 3])


def test_bfloat16_round_trip(tmp_path):
    pytest.importorskip("ml_dtypes")
    v = ember.Variable(ember.constant([1.5, -2.0, 3.25]), dtype="bfloat16")
    ckpt = ember.train.Checkpoint(v=v)
    prefix = ckpt.write(str(tmp_path / "c"))
    v.assign(ember.zeros((3,), dtype="bfloat16"))
    ckpt.restore(prefix).assert_consumed()
    assert v.dtype.name == "bfloat16"
    assert v.numpy().astype("float32").tolist() == [1.5, -2.0, 3.25]


def test_nested_checkpoint_and_root(tmp_path):
    v, w = ember.Variable(1.0), ember.Variable(2.0)
    outer = ember.train.Checkpoint(inner=ember.train.Checkpoint(v=v), w=w)
    prefix = outer.write(str(tmp_path / "c"))
    assert [n for n, _ in ember.train.list_variables(prefix)] == ["inner/v", "w"]
    v2, w2 = ember.Variable(0.0), ember.Variable(0.0)
    ember.train.Checkpoint(inner=ember.train.Checkpoint(v=v2), w=w2).restore(
        prefix).assert_consumed()
    assert (float(v2), float(w2)) == (1.0, 2.0)

    layer = keras.layers.Dense(2)
    layer.build((None, 3))
    prefix = ember.train.Checkpoint(root=layer).write(str(tmp_path / "r"))
    assert [n for n, _ in ember.train.list_variables(prefix)] == ["vars/0", "vars/1"]
    with pytest.raises(ValueError, match="already exists"):
        ember.train.Checkpoint(root=layer, vars=ember.Variable(1.0))


def test_attribute_added_after_restore_gets_its_value(tmp_path):
    prefix = ember.train.Checkpoint(a=ember.Variable(1.0), b=ember.Variable(5.0)).write(
        str(tmp_path / "c"))
    ckpt = ember.train.Checkpoint(a=ember.Variable(0.0))
    status = ckpt.restore(prefix)
    with pytest.raises(AssertionError, match="b"):
        status.assert_consumed()
    status.assert_existing_objects_matched()
    ckpt.b = ember.Variable(0.0)
    assert float(ckpt.b) == 5.0
    status.assert_consumed()


# -- Keras models and optimizers -------------------------------------------------------------


def test_keras_model_and_adam_resume_exactly(tmp_path):
    model, opt = make_model(0), keras.optimizers.Adam(0.01)
    for _ in range(3):
        train_step(model, opt)
    prefix = ember.train.Checkpoint(model=model, optimizer=opt).save(str(tmp_path / "ckpt"))
    train_step(model, opt)
    expected = [w.numpy() for w in model.weights] + [v.numpy() for v in opt.variables]

    model2, opt2 = make_model(7), keras.optimizers.Adam(0.5)    # fresh, different values
    status = ember.train.Checkpoint(model=model2, optimizer=opt2).restore(prefix)
    status.assert_existing_objects_matched()
    with pytest.raises(AssertionError, match="optimizer/vars/2"):
        status.assert_consumed()             # the slots do not exist before the first step
    assert int(opt2.iterations) == 3 and float(opt2.learning_rate) == pytest.approx(0.01)
    train_step(model2, opt2)                 # builds the slots: they get the saved values
    status.assert_consumed()
    got = [w.numpy() for w in model2.weights] + [v.numpy() for v in opt2.variables]
    assert len(got) == len(expected)
    for a, b in zip(expected, got):
        np.testing.assert_array_equal(a, b)


def test_compiled_model_saves_its_optimizer_and_fit_resumes(tmp_path):
    def make(seed):
        keras.utils.set_random_seed(seed)
        inputs = keras.Input((4,))
        outputs = keras.layers.Dense(1)(keras.layers.Dense(8, activation="relu")(inputs))
        model = keras.Model(inputs, outputs)
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
        return model

    model = make(0)
    model.fit(X, Y, epochs=2, batch_size=8, verbose=0)
    prefix = ember.train.Checkpoint(model=model).write(str(tmp_path / "w"))
    assert any(n.startswith("model/optimizer/vars/") for n, _ in
               ember.train.list_variables(prefix))
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    model2 = make(3)
    status = ember.train.Checkpoint(model=model2).restore(prefix)
    model2.fit(X, Y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    status.assert_consumed()
    for a, b in zip(model.weights, model2.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_unbuilt_model_gets_its_weights_when_built(tmp_path):
    model = make_model(0)
    prefix = ember.train.Checkpoint(model=model).write(str(tmp_path / "c"))
    keras.utils.set_random_seed(1)
    lazy = keras.Sequential([keras.layers.Dense(8, activation="relu"),
                             keras.layers.BatchNormalization(), keras.layers.Dense(1)])
    status = ember.train.Checkpoint(model=lazy).restore(prefix)
    lazy(X)                                   # builds every layer
    status.assert_consumed()
    np.testing.assert_allclose(lazy(X).numpy(), model(X).numpy(), rtol=1e-6)


def test_paths_do_not_depend_on_generated_layer_names(tmp_path):
    model = make_model(0)
    prefix = ember.train.Checkpoint(model=model).write(str(tmp_path / "c"))
    keras.layers.Dense(3)                     # shifts the name counters
    other = make_model(2)
    assert other.layers[0].name != model.layers[0].name
    ember.train.Checkpoint(model=other).restore(prefix).assert_consumed()
    np.testing.assert_array_equal(other(X).numpy(), model(X).numpy())


# -- mismatches and status -------------------------------------------------------------------


def test_shape_mismatch_is_refused_before_anything_changes(tmp_path):
    prefix = ember.train.Checkpoint(a=ember.Variable(1.0), b=ember.Variable([1.0, 2.0])
                                    ).write(str(tmp_path / "c"))
    a, b = ember.Variable(0.0), ember.Variable([0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match=r"b \(variable .*shape \(3,\).*shape \(2,\)"):
        ember.train.Checkpoint(a=a, b=b).restore(prefix)
    assert float(a) == 0.0                       # nothing was assigned


def test_dtype_mismatch_is_refused(tmp_path):
    prefix = ember.train.Checkpoint(a=ember.Variable(1.0)).write(str(tmp_path / "c"))
    with pytest.raises(ValueError, match="dtype int32 but the checkpoint holds float32"):
        ember.train.Checkpoint(a=ember.Variable(0)).restore(prefix)


def test_unplaceable_values_warn_unless_partial_is_expected(tmp_path):
    prefix = ember.train.Checkpoint(a=[ember.Variable(1.0)]).write(str(tmp_path / "c"))
    with pytest.warns(UserWarning, match="could not be found.*a/0"):
        ember.train.Checkpoint(a=ember.Variable(0.0)).restore(prefix)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ember.train.Checkpoint(a=ember.Variable(0.0)).restore(prefix).expect_partial()


def test_missing_variables_fail_assert_existing_objects_matched(tmp_path):
    prefix = ember.train.Checkpoint(a=ember.Variable(1.0)).write(str(tmp_path / "c"))
    status = ember.train.Checkpoint(a=ember.Variable(0.0), extra=ember.Variable(0.0)
                                    ).restore(prefix)
    status.assert_nontrivial_match()
    with pytest.raises(AssertionError, match="extra"):
        status.assert_existing_objects_matched()


def test_restore_none_and_bad_arguments(tmp_path):
    status = ember.train.Checkpoint(a=ember.Variable(1.0)).restore(None)
    with pytest.raises(AssertionError, match="No checkpoint specified"):
        status.assert_consumed()
    status.expect_partial()
    with pytest.raises(ValueError, match="expecting a to be a trackable"):
        ember.train.Checkpoint(a=3)
    with pytest.raises(ValueError, match="trackable"):
        ember.train.Checkpoint(a=[ember.Variable(1.0), "text"])


# -- damaged files -----------------------------------------------------------------------------


@pytest.fixture
def saved(tmp_path):
    v = ember.Variable(np.arange(64, dtype="float32"))
    ckpt = ember.train.Checkpoint(v=v)
    return ckpt, v, ckpt.save(str(tmp_path / "ckpt"))


def test_no_checkpoint_is_not_found(tmp_path, saved):
    ckpt, _, prefix = saved
    with pytest.raises(ember.errors.NotFoundError, match="ckpt-9.index' does not exist"):
        ckpt.restore(str(tmp_path / "ckpt-9"))
    with pytest.raises(ember.errors.NotFoundError, match="latest_checkpoint"):
        ckpt.restore(str(tmp_path))
    with pytest.raises(ember.errors.NotFoundError, match="prefix"):
        ckpt.restore(prefix + ".index")


def test_truncated_data_file(saved):
    ckpt, _, prefix = saved
    path = data_file(prefix)
    with open(path, "rb") as f:
        raw = f.read()
    with open(path, "wb") as f:
        f.write(raw[: len(raw) // 2])
    with pytest.raises(ember.errors.DataLossError, match="truncated") as info:
        ckpt.restore(prefix)
    assert os.path.basename(path) in str(info.value)


def test_corrupted_bytes_fail_the_checksum(saved):
    ckpt, v, prefix = saved
    path = data_file(prefix)
    with open(path, "rb") as f:
        raw = bytearray(f.read())
    at = raw.find(np.arange(64, dtype="float32").tobytes()) + 40
    raw[at] ^= 0xFF                                   # same size, one value changed
    with open(path, "wb") as f:
        f.write(bytes(raw))
    v.assign(np.zeros(64, "float32"))
    with pytest.raises(ember.errors.DataLossError, match="corrupt|CRC"):
        ckpt.restore(prefix)
    assert not v.numpy().any()


def test_missing_data_file(saved):
    ckpt, _, prefix = saved
    os.remove(data_file(prefix))
    with pytest.raises(ember.errors.DataLossError, match="is missing"):
        ckpt.restore(prefix)


def test_index_with_wrong_shapes(saved):
    ckpt, _, prefix = saved

    def edit(body):
        body["arrays"]["a0"]["shape"] = [8, 8]
    rewrite_index(prefix, edit)
    with pytest.raises(ember.errors.DataLossError, match=r"shape \[64\].*\[8, 8\]"):
        ckpt.restore(prefix)
    rewrite_index(prefix, edit, fix_checksum=False)
    rewrite_index(prefix, lambda b: b["arrays"]["a0"].update(shape=[64]),
                  fix_checksum=False)
    with pytest.raises(ember.errors.DataLossError, match="checksum"):
        ckpt.restore(prefix)


def test_truncated_or_foreign_index(saved, tmp_path):
    ckpt, _, prefix = saved
    with open(prefix + ".index", "rb") as f:
        raw = f.read()
    with open(prefix + ".index", "wb") as f:
        f.write(raw[:100])
    with pytest.raises(ember.errors.DataLossError, match="not valid JSON"):
        ckpt.restore(prefix)
    (tmp_path / "notes.index").write_text("hello, world\n")
    with pytest.raises(ember.errors.DataLossError, match="not an Ember checkpoint"):
        ckpt.restore(str(tmp_path / "notes"))
    (tmp_path / "other.index").write_text('{"format": "something-else"}')
    with pytest.raises(ember.errors.DataLossError, match="not an Ember checkpoint"):
        ckpt.restore(str(tmp_path / "other"))
    (tmp_path / "tf.index").write_bytes(b"\x00\x00\x00\x01\x02binary table" * 8)
    with pytest.raises(ember.errors.DataLossError, match="TensorFlow"):
        ckpt.restore(str(tmp_path / "tf"))


def test_data_file_that_is_not_an_archive(saved):
    ckpt, _, prefix = saved
    path = data_file(prefix)
    size = os.path.getsize(path)
    with open(path, "wb") as f:
        f.write(b"x" * size)
    with pytest.raises(ember.errors.DataLossError, match="not a readable .npz"):
        ckpt.restore(prefix)


# -- crashes while saving ----------------------------------------------------------------------


def test_crash_while_writing_data_keeps_the_previous_checkpoint(saved, tmp_path,
                                                                monkeypatch):
    ckpt, v, prefix = saved
    before = files(tmp_path)

    def broken_savez(file, **arrays):
        file.write(b"partial data")
        raise OSError("disk full")
    monkeypatch.setattr(np, "savez", broken_savez)
    v.assign(np.zeros(64, "float32"))
    with pytest.raises(OSError, match="disk full"):
        ckpt.save(str(tmp_path / "ckpt"))
    monkeypatch.undo()
    assert files(tmp_path) == before and not temp_files(tmp_path)
    assert int(ckpt.save_counter) == 1                  # the failed save is not counted
    assert ember.train.latest_checkpoint(str(tmp_path)) == prefix
    ckpt.restore(prefix).assert_consumed()
    assert v.numpy().tolist() == list(range(64))


def test_crash_while_renaming_the_index_keeps_the_previous_checkpoint(saved, tmp_path,
                                                                     monkeypatch):
    ckpt, v, prefix = saved
    before = files(tmp_path)
    real_replace = os.replace

    def replace(src, dst):
        if str(dst).endswith(".index"):
            raise OSError("killed")
        real_replace(src, dst)
    monkeypatch.setattr(atomic.os, "replace", replace)
    v.assign(np.zeros(64, "float32"))
    with pytest.raises(OSError, match="killed"):
        ckpt.write(prefix)                                # overwriting the same prefix
    with pytest.raises(OSError, match="killed"):
        ckpt.save(str(tmp_path / "ckpt"))
    monkeypatch.undo()
    assert files(tmp_path) == before and not temp_files(tmp_path)
    ckpt.restore(prefix).assert_consumed()
    assert v.numpy().tolist() == list(range(64))


def test_atomic_write_leaves_target_untouched_on_failure(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic.atomic_write(target, "w") as f:
        f.write("new, half written")
        raise RuntimeError("boom")
    assert target.read_text() == "old" and not temp_files(tmp_path)
    with atomic.atomic_path(target) as tmp, open(tmp, "w") as f:
        f.write("new")
    assert target.read_text() == "new" and not temp_files(tmp_path)
    with pytest.raises(FileNotFoundError, match="did not create"), atomic.atomic_path(target):
        pass


def test_corrupt_state_file_is_refused(tmp_path, saved):
    (tmp_path / "checkpoint").write_text("model_checkpoint_path: \"ckpt-1\nrubbish")
    with pytest.raises(ember.errors.DataLossError, match="state file"):
        ember.train.latest_checkpoint(str(tmp_path))


def test_metrics_and_random_generators(tmp_path):
    metric = keras.metrics.Mean()
    metric.update_state([1.0, 2.0, 3.0])
    gen = ember.random.Generator.from_seed(3)
    gen.normal([2])
    prefix = ember.train.Checkpoint(m=metric, g=gen).write(str(tmp_path / "c"))
    metric2, gen2 = keras.metrics.Mean(), ember.random.Generator.from_seed(9)
    ember.train.Checkpoint(m=metric2, g=gen2).restore(prefix).assert_consumed()
    assert float(metric2.result()) == 2.0
    np.testing.assert_array_equal(gen.normal([3]).numpy(), gen2.normal([3]).numpy())


def test_saving_before_the_optimizer_is_built_keeps_its_restored_slots(tmp_path):
    model, opt = make_model(0), keras.optimizers.Adam(0.01)
    train_step(model, opt)
    first = ember.train.Checkpoint(model=model, optimizer=opt).write(str(tmp_path / "a"))
    model2, opt2 = make_model(1), keras.optimizers.Adam(0.01)
    ckpt2 = ember.train.Checkpoint(model=model2, optimizer=opt2)
    ckpt2.restore(first)
    second = ckpt2.write(str(tmp_path / "b"))          # opt2 has no slots yet
    assert ember.train.list_variables(second) == ember.train.list_variables(first)
    model3, opt3 = make_model(2), keras.optimizers.Adam(0.01)
    status = ember.train.Checkpoint(model=model3, optimizer=opt3).restore(second)
    train_step(model3, opt3)
    train_step(model, opt)
    status.assert_consumed()
    for a, b in zip(model.weights + opt.variables, model3.weights + opt3.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
