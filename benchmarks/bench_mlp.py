"""MLP train step and one-sample predict: Ember against PyTorch and Keras-on-TensorFlow.

Workload (issue 3): 784-512-256-10, ReLU, softmax cross-entropy, Adam, batch 128.
Each framework runs in this one process on the same data; the script prints the median
time per step and Ember's ratio to each peer (target: train step <= PyTorch's).

    python benchmarks/bench_mlp.py [--steps 50]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

BATCH, SIZES = 128, (784, 512, 256, 10)


def timed(fn, steps: int, warmup: int = 5) -> float:
    """Median seconds per call over ``steps`` calls, after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def ember_bench(x, y, x1, steps):
    from ember import keras
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((SIZES[0],))] +
                             [keras.layers.Dense(n, activation="relu") for n in SIZES[1:-1]] +
                             [keras.layers.Dense(SIZES[-1])])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    import ember
    batch = (ember.constant(x), ember.constant(y))
    train = timed(lambda: model.train_step(batch), steps)
    predict = timed(lambda: model.predict(x1, verbose=0), steps * 10)
    call = timed(lambda: model(x1), steps * 10)
    return {"train step": train, "predict(1 sample)": predict, "model(1 sample)": call}


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

    train = timed(step, steps)
    pred = timed(predict, steps * 10)
    return {"train step": train, "predict(1 sample)": pred, "model(1 sample)": pred}


def keras_tf_bench(x, y, x1, steps):
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        import keras
    except ImportError:
        return None
    if keras.backend.backend() != "tensorflow":
        return None
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((SIZES[0],))] +
                             [keras.layers.Dense(n, activation="relu") for n in SIZES[1:-1]] +
                             [keras.layers.Dense(SIZES[-1])])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    train = timed(lambda: model.train_on_batch(x, y), steps)
    predict = timed(lambda: model.predict(x1, verbose=0), steps * 2)
    call = timed(lambda: model(x1), steps * 10)
    return {"train step": train, "predict(1 sample)": predict, "model(1 sample)": call}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=50)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH, SIZES[0])).astype(np.float32)
    y = rng.integers(0, SIZES[-1], size=BATCH).astype(np.int64)
    x1 = x[:1].copy()
    results = {"ember": ember_bench(x, y, x1, args.steps),
               "torch": torch_bench(x, y, x1, args.steps),
               "keras-tf": keras_tf_bench(x, y, x1, args.steps)}
    peers = [k for k in ("torch", "keras-tf") if results[k]]
    print(f"MLP {'-'.join(map(str, SIZES))}, ReLU, Adam, batch {BATCH} "
          f"(median of {args.steps} steps)")
    header = f"{'workload':<20}{'ember':>12}" + "".join(f"{p:>12}" for p in peers) + \
        "".join(f"{'ember/' + p:>16}" for p in peers)
    print(header)
    for name in results["ember"]:
        e = results["ember"][name]
        row = f"{name:<20}{e * 1e3:>10.3f}ms"
        row += "".join(f"{results[p][name] * 1e3:>10.3f}ms" for p in peers)
        row += "".join(f"{e / results[p][name]:>16.2f}" for p in peers)
        print(row)


if __name__ == "__main__":
    main()
