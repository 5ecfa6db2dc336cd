"""Train a small classifier on scikit-learn's digits with a hand-written GradientTape loop.

Run:  python examples/digits_gradient_tape.py
Prints the loss as it trains and the test accuracy at the end (>= 0.95 expected).
"""
from __future__ import annotations

import time

import numpy as np

import ember as tf


def load_digits_split(seed: int = 0):
    """scikit-learn's 8x8 digits, standardized, split 80/20 (stratified by shuffling)."""
    from sklearn.datasets import load_digits
    data = load_digits()
    x = data.data.astype(np.float32) / 16.0
    y = data.target.astype(np.int32)
    order = np.random.default_rng(seed).permutation(len(x))
    x, y = x[order], y[order]
    n_test = len(x) // 5
    x_train, y_train, x_test, y_test = x[n_test:], y[n_test:], x[:n_test], y[:n_test]
    mean, std = x_train.mean(0), x_train.std(0) + 1e-6
    return (x_train - mean) / std, y_train, (x_test - mean) / std, y_test


class MLP:
    """Two hidden layers with ReLU, weights initialised He-normal from a seeded generator."""

    def __init__(self, sizes=(64, 128, 64, 10), seed: int = 0):
        gen = tf.random.Generator.from_seed(seed)
        self.params = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            w = gen.normal((fan_in, fan_out), stddev=np.sqrt(2.0 / fan_in))
            self.params += [tf.Variable(w), tf.Variable(tf.zeros((fan_out,)))]

    def __call__(self, x):
        h = x
        for i in range(0, len(self.params) - 2, 2):
            h = tf.nn.relu(tf.matmul(h, self.params[i]) + self.params[i + 1])
        return tf.matmul(h, self.params[-2]) + self.params[-1]


def main(epochs: int = 30, batch_size: int = 64, lr: float = 0.05, momentum: float = 0.9):
    tf.random.set_seed(0)
    x_train, y_train, x_test, y_test = load_digits_split()
    model = MLP()
    velocity = [tf.Variable(tf.zeros_like(p)) for p in model.params]
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(x_train))
        losses = []
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            xb, yb = tf.constant(x_train[idx]), tf.constant(y_train[idx])
            with tf.GradientTape() as tape:
                logits = model(xb)
                loss = tf.reduce_mean(
                    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=yb, logits=logits))
            grads = tape.gradient(loss, model.params)
            for p, v, g in zip(model.params, velocity, grads):
                v.assign(momentum * v - lr * g)
                p.assign_add(v)
            losses.append(float(loss))
        if epoch % 5 == 0 or epoch == 1:
            print(f"epoch {epoch:3d}  loss {np.mean(losses):.4f}")
    elapsed = time.perf_counter() - start
    pred = tf.argmax(model(tf.constant(x_test)), axis=1).numpy()
    accuracy = float(np.mean(pred == y_test))
    print(f"trained {epochs} epochs in {elapsed:.1f}s")
    print(f"test accuracy: {accuracy:.4f}")
    return accuracy


if __name__ == "__main__":
    main()
