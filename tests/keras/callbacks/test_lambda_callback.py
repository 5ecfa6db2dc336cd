import pytest

from ember import keras
from ember.keras.callbacks import LambdaCallback


def _recording_callback(calls):
    return LambdaCallback(
        on_epoch_begin=lambda epoch, logs: calls.append(("epoch_begin", epoch)),
        on_epoch_end=lambda epoch, logs: calls.append(("epoch_end", epoch, logs["loss"])),
        on_train_begin=lambda logs: calls.append(("train_begin",)),
        on_train_end=lambda logs: calls.append(("train_end",)),
        on_train_batch_begin=lambda batch, logs: calls.append(("batch_begin", batch)),
        on_train_batch_end=lambda batch, logs: calls.append(("batch_end", batch)))


EXPECTED = [("train_begin",), ("epoch_begin", 0), ("batch_begin", 0), ("batch_end", 0),
            ("epoch_end", 0, 0.5), ("train_end",)]


def test_named_hooks_are_called():
    # called the way Keras's CallbackList calls them: logs always passed
    calls = []
    cb = _recording_callback(calls)
    cb.on_train_begin({})
    cb.on_epoch_begin(0, {})
    cb.on_train_batch_begin(0, logs={})
    cb.on_train_batch_end(0, logs={"loss": 1.0})
    cb.on_epoch_end(0, {"loss": 0.5})
    cb.on_train_end({})
    assert calls == EXPECTED


def test_hooks_through_callback_list(fake_model):
    calls = []
    cbs = keras.callbacks.CallbackList([_recording_callback(calls)], model=fake_model)
    cbs.on_train_begin()                # as trainer.fit calls them
    cbs.on_epoch_begin(0)
    cbs.on_train_batch_begin(0)
    cbs.on_train_batch_end(0, {"loss": 1.0})
    cbs.on_epoch_end(0, {"loss": 0.5})
    cbs.on_train_end({"loss": 0.5})
    assert calls == EXPECTED


def test_other_hooks_by_keyword():
    calls = []
    cb = LambdaCallback(on_test_begin=lambda logs: calls.append("test_begin"),
                        on_predict_batch_end=lambda batch, logs: calls.append(batch),
                        on_batch_end=lambda batch, logs: calls.append(("batch", batch)))
    cb.on_test_begin({})
    cb.on_predict_batch_end(3, {})
    cb.on_train_batch_end(7, {})      # routes to on_batch_end, as in Keras
    cb.on_epoch_end(0, {})            # unset hooks do nothing
    assert calls == ["test_begin", 3, ("batch", 7)]


def test_public_name():
    assert keras.callbacks.LambdaCallback is LambdaCallback
