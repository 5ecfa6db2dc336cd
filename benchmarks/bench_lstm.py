"""LSTM train step and forward pass: Ember against PyTorch and Keras-on-TensorFlow.

Workload (issue 4): LSTM(128) over 50 timesteps of 32 features, batch 64, then a
Dense(10) head on the last output; softmax cross-entropy, Adam. Each framework runs in this
one process on the same data (Ember and PyTorch taking turns, Keras-on-TF afterwards);
the script prints the best of 7 rounds' mean time per step and Ember's ratio to each peer.
``--cell-loop`` also times Ember's per-timestep cell loop (the path for custom
activations), to show what the fused LSTM op buys.

    python benchmarks/bench_lstm.py [--steps 10] [--cell-loop]
"""
from __future__ import annotations

import argparse

import numpy as np
from timing import ember_train_step, interleaved, keras_on_tensorflow, print_table

BATCH, STEPS, FEATURES, UNITS, CLASSES = 64, 50, 32, 128, 10


def make_data(seed: int = 0):
    """The benchmark's batch ``(x, y)`` (NumPy)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(BATCH, STEPS, FEATURES)).astype(np.float32)
    y = rng.integers(0, CLASSES, size=BATCH).astype(np.int64)
    return x, y


def keras_model(keras, cell_loop: bool = False):
    """The compiled model in Keras 3's API; ``keras`` is ``ember.keras`` or real Keras
    (``cell_loop``, Ember only: force the per-timestep cell loop)."""
    keras.utils.set_random_seed(0)
    lstm = keras.layers.LSTM(UNITS)
    if cell_loop:
        lstm.cell._fusable = lambda: False
    model = keras.Sequential([keras.Input((STEPS, FEATURES)), lstm,
                              keras.layers.Dense(CLASSES)])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def ember_bench(x, y, cell_loop: bool = False, eager: bool = False):
    """Ember's train step as ``fit`` runs it (compiled; eager ``train_step`` with
    ``eager``) and the eager forward call."""
    import ember
    from ember import keras
    model = keras_model(keras, cell_loop)
    xt = ember.constant(x)
    return {"train step": ember_train_step(model, x, y, eager), "forward": lambda: model(xt)}


def torch_bench(x, y):
    try:
        import torch
    except ImportError:
        return None
    torch.manual_seed(0)

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(FEATURES, UNITS, batch_first=True)
            self.head = torch.nn.Linear(UNITS, CLASSES)

        def forward(self, inputs):
            out, _ = self.lstm(inputs)
            return self.head(out[:, -1])

    model = Model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(tx), ty)
        loss.backward()
        opt.step()

    def forward():
        with torch.no_grad():
            return model(tx)

    return {"train step": step, "forward": forward}


def keras_tf_bench(x, y):
    keras = keras_on_tensorflow()
    if keras is None:
        return None
    model = keras_model(keras)
    return {"train step": lambda: model.train_on_batch(x, y),
            "forward": lambda: model(x, training=False)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--cell-loop", action="store_true",
                        help="also time Ember's per-timestep cell loop")
    args = parser.parse_args()
    x, y = make_data()
    workloads = ("train step", "forward")
    # Ember and PyTorch take turns; Keras-on-TF is built and run only afterwards, since
    # TensorFlow's idle threads keep spinning and would slow whoever runs next to them
    fns = {"ember": ember_bench(x, y), "ember-eager": ember_bench(x, y, eager=True),
           "torch": torch_bench(x, y)}
    if args.cell_loop:
        fns["ember-loop"] = ember_bench(x, y, cell_loop=True)
    results = {k: {} for k, v in fns.items() if v}
    for workload in workloads:
        for k, t in interleaved({k: fns[k][workload] for k in results}, args.steps).items():
            results[k][workload] = t
    tf_fns = keras_tf_bench(x, y)
    if tf_fns:
        results["keras-tf"] = {w: interleaved({"keras-tf": tf_fns[w]}, args.steps)["keras-tf"]
                               for w in workloads}
    for k in ("torch", "keras-tf"):
        results.setdefault(k, None)
    print_table(f"LSTM({UNITS}) over {STEPS} steps of {FEATURES} features + Dense({CLASSES}), "
                f"Adam, batch {BATCH} (best of 7 interleaved rounds of {args.steps} steps; ember's "
                f"train step: the compiled step fit runs, ember-eager's: model.train_step)",
                results)


if __name__ == "__main__":
    main()
