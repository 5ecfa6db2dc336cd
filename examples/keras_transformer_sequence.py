"""A small Transformer block learns which of two marker tokens comes first (>= 0.97 test
accuracy expected).

Each sequence holds 16 random tokens with exactly one marker ``A`` and one marker ``B``
at random positions; the label says whether ``A`` comes before ``B``. Neither the bag of
tokens nor any single position answers it: the model has to attend from one marker to
the other and compare their positions, which it learns from a position embedding.

Run:  python examples/keras_transformer_sequence.py
"""
from __future__ import annotations

import numpy as np

from ember import keras

SEQ_LEN, VOCAB, WIDTH, HEADS = 16, 12, 32, 2
MARKER_A, MARKER_B = 1, 2          # 0 is unused; ordinary tokens are 3 .. VOCAB - 1


def make_data(n: int, seed: int):
    """``n`` sequences and their labels: 1 where marker A comes before marker B."""
    rng = np.random.default_rng(seed)
    x = rng.integers(3, VOCAB, size=(n, SEQ_LEN))
    pos = np.argsort(rng.random((n, SEQ_LEN)), axis=1)[:, :2]   # two distinct positions
    rows = np.arange(n)
    x[rows, pos[:, 0]] = MARKER_A
    x[rows, pos[:, 1]] = MARKER_B
    y = (pos[:, 0] < pos[:, 1]).astype("int32")
    return x.astype("int32"), y


class PositionEmbedding(keras.layers.Layer):
    """Adds a learned vector per position to a ``(batch, seq, width)`` input."""

    def build(self, input_shape):
        self.positions = self.add_weight(name="positions", shape=tuple(input_shape[1:]),
                                         initializer=keras.initializers.RandomNormal(
                                             stddev=0.1))

    def call(self, x):
        return x + self.positions


def build_model() -> keras.Model:
    layers = keras.layers
    tokens = keras.Input((SEQ_LEN,), dtype="int32")
    x = layers.Embedding(VOCAB, WIDTH)(tokens)
    x = PositionEmbedding()(x)
    attn = layers.MultiHeadAttention(HEADS, WIDTH // HEADS)(x, x)
    x = layers.LayerNormalization()(layers.Add()([x, attn]))
    ff = layers.Dense(2 * WIDTH, activation="relu")(x)
    x = layers.LayerNormalization()(layers.Add()([x, layers.Dense(WIDTH)(ff)]))
    x = layers.GlobalAveragePooling1D()(x)
    return keras.Model(tokens, layers.Dense(2)(x))


def main(epochs: int = 8, verbose: int | str = "auto") -> float:
    keras.utils.set_random_seed(0)
    x_train, y_train = make_data(3000, seed=1)
    x_test, y_test = make_data(1000, seed=2)
    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(3e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=64, epochs=epochs, verbose=verbose)
    logits = model.predict(x_test, verbose=0)
    accuracy = float(np.mean(np.argmax(np.asarray(logits), axis=-1) == y_test))
    print(f"test accuracy: {accuracy:.4f}")
    return accuracy


if __name__ == "__main__":
    main()
