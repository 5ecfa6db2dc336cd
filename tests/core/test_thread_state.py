"""Tapes, traces, variable hooks and Keras build scopes belong to the thread that opened them."""
import threading

import numpy as np

import ember
from ember import keras
from ember.core.thread_state import STATE


def _in_thread(fn):
    """Run ``fn`` in a new thread while the caller waits; its result or its exception."""
    out = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            out["error"] = e
    t = threading.Thread(target=run)
    t.start()
    t.join()
    if "error" in out:
        raise out["error"]
    return out.get("value")


def test_a_new_thread_starts_with_nothing_recording():
    with ember.GradientTape():
        assert len(STATE.tapes) == 1
        assert _in_thread(lambda: (len(STATE.tapes), len(STATE.tracing))) == (0, 0)


def test_a_tape_does_not_record_another_threads_ops():
    x = ember.Variable(2.0)
    with ember.GradientTape() as tape:
        y = x * 3.0
        _in_thread(lambda: x * x * x)      # reads and ops of another thread
        nodes = len(tape._nodes)
    assert nodes == 2                     # the read of x and the multiply, nothing else
    assert float(tape.gradient(y, x)) == 3.0


def test_ops_of_another_thread_run_eagerly_while_a_function_traces():
    seen = {}

    @ember.function
    def f(x):
        # while this thread traces, another thread's ops and assignments are its own
        seen["other"] = _in_thread(lambda: (ember.constant([1.0, 2.0]) * 2.0).numpy())
        v = ember.Variable(0.0)
        _in_thread(lambda: v.assign(5.0))
        seen["assigned"] = float(v.numpy())
        return x + 1.0
    np.testing.assert_array_equal(f(ember.constant([1.0])).numpy(), [2.0])
    np.testing.assert_array_equal(seen["other"], [2.0, 4.0])
    assert seen["assigned"] == 5.0


def test_two_threads_calling_a_new_function_trace_it_once():
    calls = []
    gate = threading.Barrier(2)

    @ember.function
    def f(x):
        calls.append(1)
        return x * 2.0

    x = ember.constant([1.0, 2.0])

    def call():
        gate.wait()
        return f(x).numpy()

    results = []
    threads = [threading.Thread(target=lambda: results.append(call())) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and f.experimental_get_tracing_count() == 1
    for r in results:
        np.testing.assert_array_equal(r, [2.0, 4.0])


def test_fit_on_a_py_dataset_whose_workers_run_ember_ops():
    # the workers build batches with Ember ops while fit traces its step on this thread
    class Batches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__(workers=3)
            rng = np.random.default_rng(0)
            self.x = rng.random((96, 8)).astype("float32")
            self.y = rng.integers(0, 3, 96)

        def __len__(self):
            return 6

        def __getitem__(self, i):
            x = ember.constant(self.x[i * 16:(i + 1) * 16])
            for _ in range(50):
                x = ember.nn.relu(x * 1.0)
            return x.numpy(), self.y[i * 16:(i + 1) * 16]

    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(3)])
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(Batches(), epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert model.make_train_function().experimental_get_tracing_count() == 1


def test_keras_weight_paths_are_per_thread():
    def build(units):
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units)],
                                 name=f"model_{units}")
        return [w.path for w in model.weights]
    other = _in_thread(lambda: build(3))
    assert [p.split("/")[0] for p in other] == ["model_3", "model_3"]
    assert [p.split("/")[-1] for p in other] == ["kernel", "bias"]
    assert all(p.startswith("model_5/") for p in build(5))


def test_threads_predicting_with_one_model_at_once_get_their_own_results():
    model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.LayerNormalization(),
                              keras.layers.Dense(4, activation="softmax")])
    xs = [np.random.default_rng(i).random((8, 16)).astype("float32") for i in range(2)]
    want = [model.predict(x, verbose=0) for x in xs]
    wrong = []

    def run(i):
        for _ in range(100):
            if not np.array_equal(model.predict(xs[i], verbose=0), want[i]):
                wrong.append(i)
                return
    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
