"""An LSTM learns whether a variable-length sequence of digits sums to more than 50
(>= 0.97 test accuracy expected after 8 epochs, about 5 s on two CPU cores).

Each sequence holds 5 to 15 digits from 1 to 9, padded with 0 to length 15; its label
says whether the digits add up to more than 50. The padding is masked
(``Embedding(mask_zero=True)``), so the LSTM skips it: the model must keep a running
total across a sequence of any length, which no single position or length tells.
About half the sequences lie on each side of the threshold, many of them close to it.

Run:  python examples/keras_lstm_sequence.py
"""
from __future__ import annotations

import numpy as np

from ember import keras

MAX_LEN, MIN_LEN, THRESHOLD = 15, 5, 50


def make_data(n: int, seed: int):
    """``n`` zero-padded digit sequences and their labels (1 where the sum > 50)."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(MIN_LEN, MAX_LEN + 1, size=n)
    x = rng.integers(1, 10, size=(n, MAX_LEN))
    x[np.arange(MAX_LEN)[None, :] >= lengths[:, None]] = 0
    y = (x.sum(axis=1) > THRESHOLD).astype("int32")
    return x.astype("int32"), y


def build_model() -> keras.Model:
    layers = keras.layers
    tokens = keras.Input((MAX_LEN,), dtype="int32")
    x = layers.Embedding(10, 16, mask_zero=True)(tokens)
    x = layers.LSTM(32)(x)
    x = layers.Dense(16, activation="relu")(x)
    return keras.Model(tokens, layers.Dense(2)(x))


def main(epochs: int = 8, verbose: int | str = "auto") -> float:
    keras.utils.set_random_seed(0)
    x_train, y_train = make_data(4000, seed=1)
    x_test, y_test = make_data(1000, seed=2)
    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(3e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=64, epochs=epochs, verbose=verbose)
    logits = model.predict(x_test, verbose=0)
    accuracy = float(np.mean(np.argmax(logits, axis=1) == y_test))
    print(f"test accuracy: {accuracy:.4f}")
    return accuracy


if __name__ == "__main__":
    main()
