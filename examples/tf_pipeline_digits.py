"""An ordinary TF2 program, run by Ember: a tf.data pipeline with tf.image augmentation
feeding a small Keras convnet trained by a compiled (tf.function) GradientTape step.

Run:  python examples/tf_pipeline_digits.py
Prints the loss per epoch and the test accuracy on scikit-learn's digits (>= 0.95).
Only the import line differs from the TensorFlow version.
"""
from __future__ import annotations

import numpy as np

import ember as tf
from ember import keras


def load_digits_images(seed: int = 0):
    """scikit-learn's 8x8 digits as (N, 8, 8, 1) float32 images in [0, 1], split 80/20."""
    from sklearn.datasets import load_digits
    data = load_digits()
    x = (data.images.astype(np.float32) / 16.0)[..., None]
    y = data.target.astype(np.int32)
    order = np.random.default_rng(seed).permutation(len(x))
    x, y = x[order], y[order]
    n_test = len(x) // 5
    return x[n_test:], y[n_test:], x[:n_test], y[:n_test]


def augment(image, label):
    """Shift the digit by up to one pixel: pad to 10x10, take a random 8x8 window."""
    padded = tf.image.pad_to_bounding_box(image, 1, 1, 10, 10)
    return tf.image.random_crop(padded, [8, 8, 1]), label


def make_model() -> keras.Model:
    return keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(64, 3, padding="same", activation="relu"),
        keras.layers.Flatten(),
        keras.layers.Dense(10),
    ])


def main(epochs: int = 12, seed: int = 0) -> float:
    tf.random.set_seed(seed)
    keras.utils.set_random_seed(seed)
    x_train, y_train, x_test, y_test = load_digits_images(seed)
    train = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
             .shuffle(len(x_train), seed=seed)
             .map(augment, num_parallel_calls=tf.data.AUTOTUNE)
             .batch(64)
             .prefetch(tf.data.AUTOTUNE))
    model = make_model()
    optimizer = keras.optimizers.Adam(3e-3)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    for epoch in range(epochs):
        losses = [float(train_step(x, y)) for x, y in train]
        print(f"epoch {epoch + 1:2d}: loss {np.mean(losses):.4f}")
    logits = model(tf.constant(x_test), training=False)
    accuracy = float(tf.reduce_mean(tf.cast(
        tf.equal(tf.argmax(logits, axis=1, output_type=tf.int32), y_test), tf.float32)))
    print(f"test accuracy: {accuracy:.4f}")
    return accuracy


if __name__ == "__main__":
    main()
