"""Classic MNIST convnet train step: Ember against PyTorch and Keras-on-TensorFlow.

Workload (issue 4): 28x28x1 input, Conv2D 32 3x3 relu - MaxPool 2 - Conv2D 64 3x3 relu -
MaxPool 2 - Flatten - Dropout 0.5 - Dense 10, Adam, sparse softmax cross-entropy,
batch 128. Ember and PyTorch take turns; Keras-on-TF runs afterwards. Prints the best of
7 rounds' mean time per step and Ember's ratio to each peer (target: <= the fastest).

    python benchmarks/bench_convnet.py [--steps 10]
"""
from __future__ import annotations

import argparse

import numpy as np

from timing import ember_train_step, interleaved, keras_on_tensorflow, print_table

BATCH = 128


def make_data(seed: int = 0):
    """The benchmark's batch ``(x, y)`` (NumPy, channels last)."""
    rng = np.random.default_rng(seed)
    x = rng.random((BATCH, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, size=BATCH).astype(np.int64)
    return x, y


def keras_model(keras):
    """The compiled model in Keras 3's API; ``keras`` is ``ember.keras`` or real Keras."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(64, 3, activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(), keras.layers.Dropout(0.5), keras.layers.Dense(10)])
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def ember_step(x, y, eager: bool = False):
    """Ember's train step as ``fit`` runs it (compiled), or the eager ``train_step``."""
    from ember import keras
    return ember_train_step(keras_model(keras), x, y, eager)


def torch_step(x, y):
    try:
        import torch
    except ImportError:
        return None
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Dropout(0.5), nn.Linear(1600, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    tx = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
    ty = torch.from_numpy(y)

    def step():
        opt.zero_grad(set_to_none=True)
        loss_fn(model(tx), ty).backward()
        opt.step()
    return step


def keras_tf_step(x, y):
    keras = keras_on_tensorflow()
    if keras is None:
        return None
    model = keras_model(keras)
    return lambda: model.train_on_batch(x, y)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    x, y = make_data()
    fns = {"ember": ember_step(x, y), "ember-eager": ember_step(x, y, eager=True),
           "torch": torch_step(x, y)}
    fns = {k: v for k, v in fns.items() if v}
    results = {k: {"train step": t} for k, t in interleaved(fns, args.steps).items()}
    tf_step = keras_tf_step(x, y)   # built last: TensorFlow's idle threads keep spinning
    if tf_step:
        results["keras-tf"] = {"train step": interleaved({"k": tf_step}, args.steps)["k"]}
    print_table(f"MNIST convnet train step, batch {BATCH} "
                f"(best of 7 interleaved rounds of {args.steps} steps; ember: the compiled "
                f"step fit runs, ember-eager: model.train_step)", results)


if __name__ == "__main__":
    main()
