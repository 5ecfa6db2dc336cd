"""keras.utils.clear_session resets layer names like keras.backend.clear_session."""
from ember import keras


def test_clear_session_restarts_names():
    keras.utils.clear_session()
    assert keras.layers.Dense(1).name == "dense"
    assert keras.layers.Dense(1).name == "dense_1"
    keras.utils.clear_session(free_memory=False)
    assert keras.layers.Dense(1).name == "dense"
