"""Transformer block train step: Ember against PyTorch and Keras-on-TensorFlow.

Workload (issue 4): inputs (batch 32, seq 64, width 128) -> MultiHeadAttention (4 heads of
32) + residual -> LayerNormalization -> Dense(512, relu) -> Dense(128) + residual ->
LayerNormalization -> GlobalAveragePooling1D -> Dense(10); Adam, sparse softmax
cross-entropy. Ember and PyTorch take turns; Keras-on-TF is built and run last (its idle
threads would slow the others). Prints the best of 7 rounds' mean time per step and
Ember's ratio to each peer.

    python benchmarks/bench_transformer.py [--steps 10] [--threads N]

``--threads N`` caps every framework's CPU threads (NumPy's BLAS, PyTorch, TensorFlow) at
N: on a busy machine multi-threaded BLAS calls stall waiting for descheduled threads, and
one thread each gives steadier ratios.
"""
from __future__ import annotations

import argparse
import os
import sys


def _early_threads() -> int | None:
    """``--threads`` must reach the BLAS libraries before NumPy loads them."""
    for i, arg in enumerate(sys.argv):
        if arg.startswith("--threads"):
            value = arg.split("=", 1)[1] if "=" in arg else sys.argv[i + 1]
            for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
                os.environ[var] = value
            return int(value)
    return None


THREADS = _early_threads()

import numpy as np
from timing import ember_train_step, interleaved, keras_on_tensorflow, print_table

BATCH, SEQ, WIDTH, HEADS, FFN, CLASSES = 32, 64, 128, 4, 512, 10


def make_data(seed: int = 0):
    """The benchmark's batch ``(x, y)`` (NumPy)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH, SEQ, WIDTH), dtype=np.float32)
    y = rng.integers(0, CLASSES, size=BATCH).astype(np.int64)
    return x, y


def keras_block(keras):
    """The block in Keras 3's API; ``keras`` is ``ember.keras`` or real Keras."""
    layers = keras.layers
    inputs = keras.Input((SEQ, WIDTH))
    attn = layers.MultiHeadAttention(HEADS, WIDTH // HEADS)(inputs, inputs)
    x = layers.LayerNormalization()(layers.Add()([inputs, attn]))
    ff = layers.Dense(FFN, activation="relu")(x)
    ff = layers.Dense(WIDTH)(ff)
    x = layers.LayerNormalization()(layers.Add()([x, ff]))
    x = layers.GlobalAveragePooling1D()(x)
    model = keras.Model(inputs, layers.Dense(CLASSES)(x))
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def ember_step(x, y, eager: bool = False):
    """Ember's train step as ``fit`` runs it (compiled), or the eager ``train_step``."""
    from ember import keras
    keras.utils.set_random_seed(0)
    return ember_train_step(keras_block(keras), x, y, eager)


def torch_step(x, y):
    try:
        import torch
    except ImportError:
        return None
    torch.manual_seed(0)
    if THREADS:
        torch.set_num_threads(THREADS)
    nn = torch.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.attn = nn.MultiheadAttention(WIDTH, HEADS, batch_first=True)
            self.norm1 = nn.LayerNorm(WIDTH, eps=1e-3)
            self.ff1 = nn.Linear(WIDTH, FFN)
            self.ff2 = nn.Linear(FFN, WIDTH)
            self.norm2 = nn.LayerNorm(WIDTH, eps=1e-3)
            self.head = nn.Linear(WIDTH, CLASSES)

        def forward(self, t):
            a, _ = self.attn(t, t, t, need_weights=False)
            t = self.norm1(t + a)
            t = self.norm2(t + self.ff2(torch.relu(self.ff1(t))))
            return self.head(t.mean(dim=1))

    model = Block()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        opt.zero_grad(set_to_none=True)
        loss_fn(model(tx), ty).backward()
        opt.step()
    return step


def keras_tf_step(x, y):
    keras = keras_on_tensorflow()
    if keras is None:
        return None
    if THREADS:
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(THREADS)
        tf.config.threading.set_inter_op_parallelism_threads(THREADS)
    keras.utils.set_random_seed(0)
    model = keras_block(keras)
    return lambda: model.train_on_batch(x, y)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--threads", type=int, default=None,
                        help="cap every framework's CPU threads (read before NumPy loads)")
    args = parser.parse_args()
    x, y = make_data()
    fns = {"ember": ember_step(x, y), "ember-eager": ember_step(x, y, eager=True),
           "torch": torch_step(x, y)}
    fns = {k: v for k, v in fns.items() if v}
    results = {k: {"train step": t} for k, t in interleaved(fns, args.steps).items()}
    tf_step = keras_tf_step(x, y)   # built last: TensorFlow's idle threads keep spinning
    if tf_step:
        results["keras-tf"] = {"train step": interleaved({"k": tf_step}, args.steps)["k"]}
    print_table(f"Transformer block train step, batch {BATCH}, seq {SEQ}, width {WIDTH}, "
                f"{HEADS} heads, ffn {FFN} (best of 7 interleaved rounds of {args.steps} "
                f"steps{f', {THREADS} thread(s) each' if THREADS else ''}; ember: the compiled "
                f"step fit runs, ember-eager: model.train_step)", results)


if __name__ == "__main__":
    main()
