"""keras.config.disable_interactive_logging: fit's output goes to the "ember.keras"
logger instead of stdout, and back with enable_interactive_logging."""
import logging

import numpy as np

from ember import keras


def _fit(**kwargs):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=2, batch_size=4, **kwargs)


def test_disabled_logging_goes_to_the_logger(capsys, caplog):
    keras.config.disable_interactive_logging()
    try:
        assert not keras.config.is_interactive_logging_enabled()
        with caplog.at_level(logging.INFO, logger="ember.keras"):
            _fit(verbose=1, callbacks=[keras.callbacks.EarlyStopping("loss", patience=0,
                                                                      verbose=1)])
    finally:
        keras.config.enable_interactive_logging()
    assert capsys.readouterr().out == ""
    messages = [r.getMessage() for r in caplog.records if r.name == "ember.keras"]
    assert messages[0] == "Epoch 1/2" and "Epoch 2/2" in messages
    assert any(m.startswith("2/2 ") and "loss:" in m for m in messages)
    assert all("\r" not in m for m in messages)


def test_enabled_logging_writes_to_stdout(capsys, caplog):
    assert keras.config.is_interactive_logging_enabled()
    with caplog.at_level(logging.INFO, logger="ember.keras"):
        _fit(verbose=2)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert not [r for r in caplog.records if r.name == "ember.keras"]
