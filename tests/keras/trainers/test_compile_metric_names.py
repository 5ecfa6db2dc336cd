"""The names compiled metrics are logged under follow Keras 3 (expected keys observed with
Keras 3.15): ``weighted_`` only on a clash, ``_1``/``_2`` for repeats, output-name
prefixes (before ``weighted_``) with several outputs, per-output lists and dicts."""
import warnings

import numpy as np
import pytest

from ember import keras

_RNG = np.random.default_rng(0)
_X = _RNG.normal(size=(8, 3)).astype("float32")
_Y = _RNG.normal(size=(8, 2)).astype("float32")


def _single():
    i = keras.Input((3,), name="x")
    return keras.Model(i, keras.layers.Dense(2, name="out")(i))


def _multi():
    i = keras.Input((3,), name="x")
    return keras.Model(i, [keras.layers.Dense(2, name="a")(i),
                           keras.layers.Dense(2, name="b")(i)])


def _dict_out():
    i = keras.Input((3,), name="x")
    return keras.Model(i, {"b": keras.layers.Dense(2, name="bb")(i),
                           "a": keras.layers.Dense(2, name="aa")(i)})


_CASES = {
    "weighted_only": (_single, {"weighted_metrics": ["mae"]}, ["loss", "mae"]),
    "both": (_single, {"metrics": ["mae"], "weighted_metrics": ["mae"]},
             ["loss", "mae", "weighted_mae"]),
    "repeats": (_single, {"metrics": ["mae", "mae", "mse"]}, ["loss", "mae", "mae_1", "mse"]),
    "weighted_repeats": (_single, {"metrics": ["mae"], "weighted_metrics": ["mae", "mae"]},
                         ["loss", "mae", "weighted_mae", "weighted_mae_1"]),
    "weighted_only_repeats": (_single, {"weighted_metrics": ["mae", "mae"]},
                              ["loss", "mae", "weighted_mae"]),
    "objects": (_single, {"metrics": [keras.metrics.MeanAbsoluteError()],
                          "weighted_metrics": [keras.metrics.MeanAbsoluteError(),
                                               keras.metrics.MeanSquaredError(name="m2")]},
                ["loss", "m2", "mean_absolute_error", "weighted_mean_absolute_error"]),
    "list_per_output": (_multi, {"metrics": ["mae", "mse"]},
                        ["a_loss", "a_mae", "b_loss", "b_mse", "loss"]),
    "nested": (_multi, {"metrics": [["mae"], ["mse", "mae"]],
                        "weighted_metrics": [["mae"], ["mae"]]},
               ["a_loss", "a_mae", "a_weighted_mae", "b_loss", "b_mae", "b_mse",
                "b_weighted_mae", "loss"]),
    "dicts": (_multi, {"loss": {"a": "mse", "b": "mae"},
                       "metrics": {"a": "mae", "b": ["mse", "mae"]},
                       "weighted_metrics": {"a": ["mae"]}},
              ["a_loss", "a_mae", "a_weighted_mae", "b_loss", "b_mae", "b_mse", "loss"]),
    "multi_weighted_only": (_multi, {"weighted_metrics": [["mae"], ["mae"]]},
                            ["a_loss", "a_mae", "b_loss", "b_mae", "loss"]),
    "dict_outputs": (_dict_out, {"metrics": {"a": "mae", "b": "mse"},
                                 "weighted_metrics": {"b": "mse"}},
                     ["a_loss", "a_mae", "b_loss", "b_mse", "b_weighted_mse", "loss"]),
}


@pytest.mark.parametrize("case", sorted(_CASES))
def test_logged_names_match_keras(case):
    make, kwargs, expected = _CASES[case]
    model = make()
    model.compile("sgd", **{"loss": "mse", **kwargs})
    if len(model.outputs) > 1:
        y = {"a": _Y, "b": 2 * _Y} if case == "dict_outputs" else [_Y, 2 * _Y]
    else:
        y = _Y
    logs = model.evaluate(_X, y, verbose=0, return_dict=True)
    assert sorted(logs) == expected
    assert sorted(model.metrics_names) == expected
    history = model.fit(_X, y, validation_data=(_X, y), epochs=1, batch_size=4, verbose=0)
    assert sorted(history.history) == sorted(expected + [f"val_{k}" for k in expected])


def test_weighted_metric_values_and_early_stopping_on_its_plain_name():
    w = np.linspace(0.1, 1.0, 8).astype("float32")
    model = _single()
    model.compile("sgd", loss="mse", metrics=["mae"], weighted_metrics=["mae"])
    logs = model.evaluate(_X, _Y, sample_weight=w, verbose=0, return_dict=True)
    err = np.abs(model.predict(_X, verbose=0) - _Y).mean(axis=1)
    np.testing.assert_allclose(logs["mae"], err.mean(), rtol=1e-5)
    np.testing.assert_allclose(logs["weighted_mae"], (err * w).sum() / w.sum(), rtol=1e-5)

    model.compile("sgd", loss="mse", weighted_metrics=["mae"])
    stop = keras.callbacks.EarlyStopping(monitor="val_mae", patience=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")       # no "val_mae is not available" warning
        history = model.fit(_X, _Y, sample_weight=w, validation_data=(_X, _Y, w),
                            epochs=2, verbose=0, callbacks=[stop])
    assert "val_mae" in history.history


def test_user_metric_objects_keep_their_names():
    mae = keras.metrics.MeanAbsoluteError(name="err")
    model = _multi()
    model.compile("sgd", loss="mse", metrics=[[mae], None])
    model.evaluate(_X, [_Y, _Y], verbose=0)
    assert mae.name == "err" and "a_err" in model.metrics_names


def test_dict_metrics_for_unknown_outputs_are_refused():
    model = _multi()
    model.compile("sgd", loss="mse", metrics={"a": "mae", "c": "mse"})
    with pytest.raises(ValueError, match=r"unknown outputs \['c'\]"):
        model.evaluate(_X, [_Y, _Y], verbose=0)


def test_callback_params_are_keras_params():
    seen = {}

    class Record(keras.callbacks.Callback):
        def on_test_begin(self, logs=None):
            seen["test"] = dict(self.params)

        def on_predict_begin(self, logs=None):
            seen["predict"] = dict(self.params)

    model = _single()
    model.compile("sgd", loss="mse")
    model.evaluate(_X, _Y, batch_size=4, verbose=0, callbacks=[Record()])
    model.predict(_X, batch_size=4, verbose=0, callbacks=[Record()])
    assert seen == {"test": {"verbose": 0, "epochs": 1, "steps": 2},
                    "predict": {"verbose": 0, "epochs": 1, "steps": 2}}
