"""The .keras format in Ember: round trips, optimizer state, compile config, custom
objects, safe mode, atomic writes and hostile or broken files."""
import json
import os
import zipfile

import numpy as np
import pytest

pytest.importorskip("h5py")
from ember import keras  # noqa: E402


def _model(name=None):
    x = keras.Input((4,), name="x")
    shared = keras.layers.Dense(3, activation="relu", name="shared")
    h = shared(shared(keras.layers.Dense(3, name="d0")(x)))
    h = keras.layers.BatchNormalization(name="bn")(h)
    inner = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="inner_d")],
                             name="inner")
    return keras.Model(x, inner(h), name=name or "net")


def _data(n=8):
    rng = np.random.default_rng(0)
    return (rng.normal(size=(n, 4)).astype("float32"),
            rng.normal(size=(n, 2)).astype("float32"))


def test_round_trip_keeps_predictions_config_and_layout(tmp_path):
    model = _model()
    x, _ = _data()
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
        config = json.loads(zf.read("config.json"))
        assert json.loads(zf.read("metadata.json"))["keras_version"].startswith("3.")
    assert config["module"] == "keras.src.models.functional"
    assert config["class_name"] == "Functional" and "build_config" in config
    shared = [l for l in config["config"]["layers"] if l["name"] == "shared"][0]
    assert len(shared["inbound_nodes"]) == 2
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-6)
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]


def test_weight_paths_follow_keras(tmp_path):
    import h5py
    model = _model()
    model.compile(optimizer="adam", loss="mse")
    model.fit(*_data(), verbose=0)
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as zf:
        import io
        f = h5py.File(io.BytesIO(zf.read("model.weights.h5")), "r")
        names = []
        f.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
    assert "layers/dense/vars/0" in names           # "shared", the first Dense
    assert "layers/dense_1/vars/1" in names         # "d0"
    assert "layers/batch_normalization/vars/3" in names
    assert "layers/functional/layers/dense/vars/0" not in names
    assert "layers/sequential/layers/dense/vars/0" in names
    assert "optimizer/vars/0" in names and "optimizer/vars/1" in names


def test_optimizer_state_and_compile_config_resume_training_exactly(tmp_path):
    x, y = _data()
    model = _model()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    model.fit(x, y, batch_size=4, epochs=2, verbose=0, shuffle=False)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.compiled and isinstance(loaded.optimizer, keras.optimizers.Adam)
    assert int(loaded.optimizer.iterations.numpy()) == 4
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    h1 = model.fit(x, y, batch_size=4, epochs=1, verbose=0, shuffle=False).history
    h2 = loaded.fit(x, y, batch_size=4, epochs=1, verbose=0, shuffle=False).history
    assert h1 == h2
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert keras.models.load_model(tmp_path / "m.keras", compile=False).compiled is False


def test_sequential_and_subclassed_models(tmp_path):
    seq = keras.Sequential([keras.Input((5, 5, 1)), keras.layers.Conv2D(2, 3),
                            keras.layers.Flatten(), keras.layers.Dense(2)])
    x = np.ones((2, 5, 5, 1), "float32")
    seq.save(tmp_path / "s.keras")
    np.testing.assert_allclose(keras.models.load_model(tmp_path / "s.keras").predict(
        x, verbose=0), seq.predict(x, verbose=0), atol=1e-6)

    @keras.saving.register_keras_serializable(package="test_saving")
    class TwoDense(keras.Model):
        def __init__(self, units=3, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.first = keras.layers.Dense(units)
            self.second = keras.layers.Dense(1)

        def call(self, inputs):
            return self.second(self.first(inputs))

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    model = TwoDense(4)
    data = np.ones((2, 3), "float32")
    model(data)
    model.save(tmp_path / "sub.keras")
    loaded = keras.models.load_model(tmp_path / "sub.keras")
    assert isinstance(loaded, TwoDense)
    np.testing.assert_allclose(loaded(data).numpy(), model(data).numpy(), atol=1e-6)


def test_custom_objects_and_scope(tmp_path):
    class Scale(keras.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    x = keras.Input((2,))
    model = keras.Model(x, Scale(3.0)(x))
    model.save(tmp_path / "c.keras")
    with pytest.raises(TypeError, match="Could not locate class 'Scale'.*c.keras|c.keras.*Scale"):
        keras.models.load_model(tmp_path / "c.keras")
    ones = np.ones((1, 2), "float32")
    got = keras.models.load_model(tmp_path / "c.keras", custom_objects={"Scale": Scale})
    np.testing.assert_allclose(got.predict(ones, verbose=0), 3 * ones)
    with keras.saving.custom_object_scope({"Scale": Scale}):
        got = keras.models.load_model(tmp_path / "c.keras")
    np.testing.assert_allclose(got.predict(ones, verbose=0), 3 * ones)


def test_lambda_refused_under_safe_mode(tmp_path):
    x = keras.Input((2,))
    model = keras.Model(x, keras.layers.Dense(2)(x))
    model.save(tmp_path / "m.keras")
    config = json.loads(zipfile.ZipFile(tmp_path / "m.keras").read("config.json"))
    config["config"]["layers"].append({
        "module": "keras.layers", "class_name": "Lambda", "name": "lam",
        "config": {"name": "lam", "function": {"class_name": "__lambda__", "config": {
            "code": "4wEAAAAAAAAA", "defaults": None, "closure": None}}},
        "inbound_nodes": []})
    hostile = tmp_path / "lambda.keras"
    _rewrite(tmp_path / "m.keras", hostile, {"config.json": json.dumps(config).encode()})
    with pytest.raises(ValueError, match="safe_mode=False.*custom_objects") as info:
        keras.models.load_model(hostile)
    assert "lambda.keras" in str(info.value)
    with pytest.raises(ValueError, match="safe_mode"):
        keras.models.model_from_json(json.dumps(config))


def _rewrite(src, dst, replace=None, extra=None, drop=()):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            zout.writestr(info.filename, (replace or {}).get(info.filename,
                                                             zin.read(info.filename)))
        for name, data in (extra or {}).items():
            zout.writestr(name, data)


@pytest.fixture()
def saved(tmp_path):
    path = tmp_path / "good.keras"
    _model().save(path)
    return path


def test_truncated_and_non_zip_files_are_refused(saved, tmp_path):
    data = saved.read_bytes()
    cut = tmp_path / "cut.keras"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="cut.keras.*(truncated|corrupt)"):
        keras.models.load_model(cut)
    junk = tmp_path / "junk.keras"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(ValueError, match="junk.keras.*not a valid .keras"):
        keras.models.load_model(junk)
    with pytest.raises(FileNotFoundError, match="missing.keras"):
        keras.models.load_model(tmp_path / "missing.keras")


def test_corrupt_weights_member_is_refused(saved, tmp_path):
    with zipfile.ZipFile(saved) as zf:
        weights = zf.read("model.weights.h5")
    bad = tmp_path / "bad.keras"
    _rewrite(saved, bad, {"model.weights.h5": weights[: len(weights) // 3]})
    with pytest.raises(ValueError, match="bad.keras.*model.weights.h5.*not a valid HDF5"):
        keras.models.load_model(bad)
    flipped = bytearray(saved.read_bytes())
    start = flipped.find(b"\x89HDF")
    flipped[start + 2000: start + 2100] = b"\x00" * 100
    crc = tmp_path / "crc.keras"
    crc.write_bytes(bytes(flipped))
    with pytest.raises(ValueError, match="crc.keras.*(corrupt|truncated)"):
        keras.models.load_model(crc)


def test_wrong_members_are_refused(saved, tmp_path):
    no_config = tmp_path / "noconfig.keras"
    _rewrite(saved, no_config, drop=("config.json",))
    with pytest.raises(ValueError, match="no 'config.json'"):
        keras.models.load_model(no_config)
    no_weights = tmp_path / "noweights.keras"
    _rewrite(saved, no_weights, drop=("model.weights.h5",))
    with pytest.raises(ValueError, match="no 'model.weights.h5'"):
        keras.models.load_model(no_weights)
    bad_json = tmp_path / "badjson.keras"
    _rewrite(saved, bad_json, {"config.json": b"{not json"})
    with pytest.raises(ValueError, match="badjson.keras.*not valid JSON"):
        keras.models.load_model(bad_json)
    not_envelope = tmp_path / "list.keras"
    _rewrite(saved, not_envelope, {"config.json": b"[1, 2]"})
    with pytest.raises(ValueError, match="not a Keras config envelope"):
        keras.models.load_model(not_envelope)


def test_unknown_class_is_named(saved, tmp_path):
    config = json.loads(zipfile.ZipFile(saved).read("config.json"))
    config["config"]["layers"][1]["class_name"] = "NoSuchLayer"
    bad = tmp_path / "unknown.keras"
    _rewrite(saved, bad, {"config.json": json.dumps(config).encode()})
    with pytest.raises(TypeError, match="unknown.keras.*NoSuchLayer"):
        keras.models.load_model(bad)


@pytest.mark.parametrize("member", ["../evil.txt", "/etc/evil", "assets/../../evil",
                                    "C:/evil"])
def test_path_traversal_members_are_refused(saved, tmp_path, member):
    bad = tmp_path / "traversal.keras"
    _rewrite(saved, bad, extra={member: b"x"})
    with pytest.raises(ValueError, match="leaves the archive"):
        keras.models.load_model(bad)
    assert not (tmp_path.parent / "evil.txt").exists()


def test_huge_declared_sizes_are_refused(saved, tmp_path):
    data = bytearray(saved.read_bytes())
    # the central directory entry of config.json: patch its declared uncompressed size
    cd = data.rfind(b"PK\x01\x02", 0, data.find(b"config.json", data.find(b"PK\x01\x02")))
    data[cd + 24: cd + 28] = (3 << 30).to_bytes(4, "little")
    bomb = tmp_path / "bomb.keras"
    bomb.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="bomb.keras.*(config.json)"):
        keras.models.load_model(bomb)


def test_huge_h5_dataset_is_refused(tmp_path):
    import h5py
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    path = tmp_path / "bomb.weights.h5"
    with h5py.File(path, "w") as f:
        g = f.create_group("layers/dense/vars")
        g.create_dataset("0", shape=(1 << 20, 1 << 12), dtype="float32", chunks=(64, 64),
                         compression="gzip")
        g.create_dataset("1", data=np.zeros(2, "float32"))
    with pytest.raises(ValueError, match="shape bomb"):
        model.load_weights(path)


def test_soft_links_are_refused(tmp_path):
    import h5py
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    path = tmp_path / "link.weights.h5"
    model.save_weights(path)
    with h5py.File(path, "a") as f:
        del f["layers/dense/vars/1"]
        f["layers/dense/vars/1"] = h5py.SoftLink("/layers/dense/vars/0")
    with pytest.raises(ValueError, match="SoftLink"):
        model.load_weights(path)


def test_failed_save_keeps_the_previous_file(tmp_path, monkeypatch):
    model = _model()
    path = tmp_path / "m.keras"
    model.save(path)
    before = path.read_bytes()
    from ember.keras.saving import weights_h5

    def explode(self, target):
        raise OSError("disk full")
    monkeypatch.setattr(weights_h5.WeightsWriter, "write", explode)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["m.keras"]


def test_wrong_extension_and_unbuilt():
    model = _model()
    with pytest.raises(ValueError, match=".keras"):
        model.save("model.txt")
    with pytest.raises(ValueError, match="File format not supported"):
        keras.models.load_model("model.txt")


def test_missing_h5py_names_the_extra(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_h5py(name, *args, **kwargs):
        if name == "h5py":
            raise ImportError("No module named 'h5py'")
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_h5py)
    from ember.keras.saving.weights_h5 import require_h5py
    with pytest.raises(ImportError, match=r'pip install "ember\[keras-files\]"'):
        require_h5py()


def test_assets_of_text_layers_round_trip(tmp_path):
    lookup = keras.layers.IntegerLookup()
    lookup.adapt(np.array([5, 7, 7, 9]))
    x = keras.Input((1,), dtype="int64")
    model = keras.Model(x, lookup(x))
    model.save(tmp_path / "t.keras")
    names = zipfile.ZipFile(tmp_path / "t.keras").namelist()
    assert any(n.startswith("assets/") and n.endswith("vocabulary.txt") for n in names)
    loaded = keras.models.load_model(tmp_path / "t.keras")
    data = np.array([[7], [3]])
    np.testing.assert_array_equal(loaded(data).numpy(), model(data).numpy())
