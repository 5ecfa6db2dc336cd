"""fit / evaluate / predict with ember.data.Dataset inputs, and the DatasetAdapter."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.data
from ember import keras
from ember.keras.trainers import data_adapter as da
from ember.keras.trainers.dataset_adapter import DatasetAdapter, is_dataset

D = ember.data.Dataset


def _data(n=256, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    return x, y


def _model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.Adam(1e-2),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


@pytest.fixture(params=["as_is", "dataset_adapter"])
def adapter_mode(request, monkeypatch):
    """Run with make_adapter as it is and with the DatasetAdapter hooked in."""
    if request.param == "dataset_adapter":
        original = da.make_adapter

        def make_adapter(x, y=None, sample_weight=None, batch_size=None, steps=None,
                         shuffle=False, class_weight=None, rng=None):
            if is_dataset(x):
                return DatasetAdapter(x, y, sample_weight, steps, class_weight)
            return original(x, y, sample_weight, batch_size, steps, shuffle, class_weight,
                            rng)
        monkeypatch.setattr(da, "make_adapter", make_adapter)
    return request.param


def test_fit_evaluate_predict_with_datasets(adapter_mode):
    x, y = _data()
    xv, yv = _data(128, 1)
    train = D.from_tensor_slices((x, y)).shuffle(1000, seed=1).batch(32) \
        .prefetch(ember.data.AUTOTUNE)
    val = D.from_tensor_slices((xv, yv)).batch(64)
    model = _model()
    history = model.fit(train, epochs=6, validation_data=val, verbose=0)
    assert len(history.history["loss"]) == 6
    assert history.history["accuracy"][-1] >= 0.9
    assert history.history["val_accuracy"][-1] >= 0.9
    loss, acc = model.evaluate(val, verbose=0)
    np.testing.assert_allclose([loss, acc], model.evaluate(xv, yv, batch_size=64, verbose=0),
                               rtol=1e-5)
    p_ds = model.predict(D.from_tensor_slices(xv).batch(50), verbose=0)
    np.testing.assert_allclose(p_ds, model.predict(xv, verbose=0), rtol=1e-6, atol=1e-6)
    # (x, y) elements in predict: y is ignored
    p_xy = model.predict(val, verbose=0)
    np.testing.assert_allclose(p_xy, p_ds, rtol=1e-6, atol=1e-6)


def test_sample_weights_from_dataset(adapter_mode):
    x, y = _data(64)
    zero = np.zeros(64, np.float32)
    model = _model()
    before = [w.numpy().copy() for w in model.trainable_weights]
    model.fit(D.from_tensor_slices((x, y, zero)).batch(16), epochs=1, verbose=0)
    # zero weights: zero loss gradient, so SGD-like Adam leaves weights unchanged
    for b, w in zip(before, model.trainable_weights):
        np.testing.assert_allclose(b, w.numpy(), atol=1e-6)


def test_infinite_dataset_needs_steps():
    x, y = _data(64)
    ds = D.from_tensor_slices((x, y)).batch(16).repeat()
    with pytest.raises(ValueError, match="infinite dataset"):
        DatasetAdapter(ds)
    adapter = DatasetAdapter(ds, steps=3)
    assert adapter.num_batches == 3
    first = [b[1].numpy() for b in adapter.batches()]
    second = [b[1].numpy() for b in adapter.batches()]
    assert len(first) == 3 and len(second) == 3
    # one iterator across epochs: the second epoch continues where the first stopped
    np.testing.assert_array_equal(second[0], y[48:64])
    model = _model()
    orig = da.make_adapter
    try:
        da.make_adapter = lambda x_, *a, **k: DatasetAdapter(x_, steps=a[3]) \
            if is_dataset(x_) else orig(x_, *a, **k)
        history = model.fit(ds, epochs=2, steps_per_epoch=4, verbose=0)
    finally:
        da.make_adapter = orig
    assert len(history.history["loss"]) == 2


def test_adapter_counts_and_rejects_y():
    x, y = _data(50)
    ds = D.from_tensor_slices((x, y)).batch(16)
    adapter = DatasetAdapter(ds)
    assert adapter.num_batches == 4
    batch = next(iter(adapter))
    assert isinstance(batch[0], ember.Tensor) and batch[0].shape == (16, 4)
    assert DatasetAdapter(ds.filter(lambda a, b: b > 0)).num_batches is None
    with pytest.raises(ValueError, match="`y` argument is not supported"):
        DatasetAdapter(ds, y=y)
    float64 = DatasetAdapter(D.from_tensor_slices(x.astype(np.float64)).batch(8))
    assert next(iter(float64))[0].dtype == ember.float32     # floatx, as arrays get
