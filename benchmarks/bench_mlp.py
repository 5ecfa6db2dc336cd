"""MLP train step and one-sample predict: Ember against PyTorch and Keras-on-TensorFlow.

Workload (issue 3): 784-512-256-10, ReLU, softmax cross-entropy, Adam, batch 128.
Each framework runs in this one process on the same data (Ember and PyTorch taking turns,
Keras-on-TF afterwards); the script prints the best of 7 rounds' mean time per step and
Ember's ratio to each peer (target: train step <= PyTorch's).

    python benchmarks/bench_mlp.py [--steps 20]
"""
from __future__ import annotations

import argparse

import numpy as np

from timing import ember_train_step, interleaved, keras_on_tensorflow, print_table

BATCH, SIZES = 128, (784, 512, 256, 10)


def make_data(seed: int = 0):
    """The benchmark's batch ``(x, y)`` and one-sample input ``x1`` (NumPy)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(BATCH, SIZES[0])).astype(np.float32)
    y = rng.integers(0, SIZES[-1], size=BATCH).astype(np.int64)
    return x, y, x[:1].copy()


def keras_model(keras):
    """The compiled model in Keras 3's API; ``keras`` is ``ember.keras`` or real Keras."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((SIZES[0],))] +
                             [keras.layers.Dense(n, activation="relu") for n in SIZES[1:-1]] +
                             [keras.layers.Dense(SIZES[-1])])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def ember_bench(x, y, x1, steps, eager: bool = False):
    """Ember's train step as ``fit`` runs it (compiled; eager ``train_step`` with
    ``eager``), one-sample ``predict`` and the eager call on one sample."""
    from ember import keras
    model = keras_model(keras)
    return {"train step": ember_train_step(model, x, y, eager),
            "predict(1 sample)": lambda: model.predict(x1, verbose=0),
            "model(1 sample)": lambda: model(x1)}


def torch_bench(x, y, x1, steps):
    try:
        import torch
    except ImportError:
        return None
    torch.manual_seed(0)
    layers = []
    for a, b in zip(SIZES[:-2], SIZES[1:-1]):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers, torch.nn.Linear(SIZES[-2], SIZES[-1]))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    tx, ty, tx1 = torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(x1)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(tx), ty)
        loss.backward()
        opt.step()

    def predict():
        with torch.no_grad():
            return model(tx1).numpy()

    return {"train step": step, "predict(1 sample)": predict, "model(1 sample)": predict}


def keras_tf_bench(x, y, x1, steps):
    keras = keras_on_tensorflow()
    if keras is None:
        return None
    model = keras_model(keras)
    return {"train step": lambda: model.train_on_batch(x, y),
            "predict(1 sample)": lambda: model.predict(x1, verbose=0),
            "model(1 sample)": lambda: model(x1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    x, y, x1 = make_data()
    workloads = (("train step", args.steps), ("predict(1 sample)", args.steps),
                 ("model(1 sample)", args.steps * 4))
    # Ember and PyTorch take turns; Keras-on-TF is built and run only afterwards, since
    # TensorFlow's idle threads keep spinning and would slow whoever runs next to them
    fns = {"ember": ember_bench(x, y, x1, args.steps),
           "ember-eager": ember_bench(x, y, x1, args.steps, eager=True),
           "torch": torch_bench(x, y, x1, args.steps)}
    results = {k: {} for k, v in fns.items() if v}
    for workload, steps in workloads:
        for k, t in interleaved({k: fns[k][workload] for k in results}, steps).items():
            results[k][workload] = t
    tf_fns = keras_tf_bench(x, y, x1, args.steps)
    if tf_fns:
        results["keras-tf"] = {}
        for workload, steps in workloads:
            if workload == "predict(1 sample)":
                steps = max(args.steps // 10, 2)   # Keras's predict costs ~100 ms a call
            results["keras-tf"][workload] = interleaved(
                {"keras-tf": tf_fns[workload]}, steps)["keras-tf"]
    for k in ("torch", "keras-tf"):
        results.setdefault(k, None)
    print_table(f"MLP {'-'.join(map(str, SIZES))}, ReLU, Adam, batch {BATCH} "
                f"(best of 7 interleaved rounds of {args.steps} steps; ember's train step: the "
                f"compiled step fit runs, ember-eager's: model.train_step)", results)

if __name__ == "__main__":
    main()
