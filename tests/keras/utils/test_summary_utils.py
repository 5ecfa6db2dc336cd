"""model.summary() prints the table Keras 3.15 prints (its column widths from an 80-column
terminal, word wrapping, nested rows and totals); texts observed in real Keras."""
import numpy as np

from ember import keras


def _summary(model, **kwargs) -> str:
    lines = []
    model.summary(print_fn=lines.append, line_length=76, **kwargs)
    return "\n".join(lines)


SEQUENTIAL = """Model: "my_seq"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ d1 (Dense)                      │ (None, 3)              │            15 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ batch_normalization             │ (None, 3)              │            12 │
│ (BatchNormalization)            │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ d2 (Dense)                      │ (None, 2)              │             8 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 35 (140.00 B)
 Trainable params: 29 (116.00 B)
 Non-trainable params: 6 (24.00 B)"""

SHARED = """Model: "sh"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ a (InputLayer)      │ (None, 3)         │          0 │ -                 │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ b (InputLayer)      │ (None, 3)         │          0 │ -                 │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ shared (Dense)      │ (None, 2)         │          8 │ a[0][0], b[0][0]  │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ add (Add)           │ (None, 2)         │          0 │ shared[0][0],     │
│                     │                   │            │ shared[1][0]      │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 8 (32.00 B)
 Trainable params: 8 (32.00 B)
 Non-trainable params: 0 (0.00 B)"""

TRAINABLE = """Model: "frz"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━┓
┃ Layer (type)                ┃ Output Shape          ┃    Param # ┃ Trai… ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━┩
│ a (Dense)                   │ (None, 16)            │        144 │   N   │
├─────────────────────────────┼───────────────────────┼────────────┼───────┤
│ b (Dense)                   │ (None, 4)             │         68 │   Y   │
└─────────────────────────────┴───────────────────────┴────────────┴───────┘
 Total params: 212 (848.00 B)
 Trainable params: 68 (272.00 B)
 Non-trainable params: 144 (576.00 B)"""


def test_sequential_summary_wraps_long_names():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d1"),
                              keras.layers.BatchNormalization(name="batch_normalization"),
                              keras.layers.Dense(2, name="d2")], name="my_seq")
    assert _summary(model) == SEQUENTIAL


def test_functional_summary_connected_to_column_and_op_names():
    a = keras.Input((3,), name="a")
    b = keras.Input((3,), name="b")
    shared = keras.layers.Dense(2, name="shared")
    model = keras.Model([a, b], keras.layers.Add(name="add")([shared(a), shared(b)]),
                        name="sh")
    assert _summary(model) == SHARED
    # a chain is "sequential-like": no Connected to column; keras.ops show Keras's class
    x = keras.Input((3,), name="i")
    chain = keras.Model(x, keras.layers.Dense(2, name="d")(x) + 1, name="ops")
    lines = _summary(chain).splitlines()
    assert "Connected to" not in lines[2] and lines[-5].startswith("│ add")
    assert "(Add)" in lines[-5]


def test_show_trainable_and_expand_nested():
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, name="a"),
                              keras.layers.Dense(4, name="b")], name="frz")
    model.layers[0].trainable = False
    assert _summary(model, show_trainable=True) == TRAINABLE
    i = keras.Input((3,), name="ii")
    inner = keras.Model(i, keras.layers.Dense(2, name="dd")(i), name="inner")
    x = keras.Input((3,), name="xx")
    outer = keras.Model(x, keras.layers.Dense(1, name="zz")(inner(x)), name="outer")
    rows = [l for l in _summary(outer, expand_nested=True).splitlines() if l.startswith("│")]
    assert [r.split("│")[1].strip() for r in rows] == [
        "xx (InputLayer)", "inner (Functional)", "└ ii (InputLayer)", "└ dd (Dense)",
        "zz (Dense)"]
    assert rows[2].startswith("│    └ ii")
    ranged = _summary(outer, layer_range=["inner", "zz"])
    assert "xx (InputLayer)" not in ranged and "zz (Dense)" in ranged


def test_subclassed_summary_shows_shapes_of_layers_called_on_data():
    class Model(keras.Model):
        def __init__(self):
            super().__init__(name="sub")
            self.d = keras.layers.Dense(4, name="d")

        def call(self, x):
            return self.d(x)

    model = Model()
    assert "│ d (Dense)                       │ ?        " in _summary(model)
    model(np.ones((2, 5), "float32"))
    assert "│ d (Dense)                       │ (2, 4)" in _summary(model)


def test_total_counts_optimizer_variables():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((2, 2)), np.ones((2, 1)), verbose=0)
    text = _summary(model)
    optimizer = int(text.split("Optimizer params: ")[1].split(" ")[0])
    assert optimizer > 0
    assert f"Total params: {3 + optimizer:,}" in text
