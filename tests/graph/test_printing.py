"""ember.print (tf.print): prints on every call of a compiled function, inside branches
and loop bodies too, formatted as TensorFlow 2.21 formats tensors."""
from __future__ import annotations

import sys

import numpy as np

import ember
ember_print = ember.print


def test_formats_as_tensorflow(capsys):
    # the expected lines are what tf.print wrote for the same inputs
    ember_print("a", ember.constant([1.5, 2.0]), ember.constant(3), [1, 2],
                {"k": ember.constant(3)}, (ember.constant([1.5, 2.0]), "s"),
                output_stream=sys.stdout)
    ember_print(ember.range(20), output_stream=sys.stdout)
    ember_print(ember.reshape(ember.range(12.0) / 7, [3, 4]), summarize=2,
                output_stream=sys.stdout)
    ember_print(ember.constant(True), ember.constant([True, False]),
                ember.constant(3.25, "float64"), ember.constant(1e-7), ember.constant(1e10),
                ember.constant([np.nan, np.inf, -np.inf]), ember.constant(123456789.0),
                ember.constant(0.1, "float64"), ember.constant([0.1, 0.2], "float16"),
                output_stream=sys.stdout)
    ember_print("a", "b", sep=", ", end="!\n", output_stream=sys.stdout)
    ember_print(ember.reshape(ember.range(30), [10, 3]), output_stream=sys.stdout)
    ember_print(ember.reshape(ember.range(8), [2, 2, 2]), output_stream=sys.stdout)
    ember_print("to stderr")
    out, err = capsys.readouterr()
    assert out.split("\n") == [
        "a [1.5 2] 3 [1, 2] {'k': 3} ([1.5 2], 's')",
        "[0 1 2 ... 17 18 19]",
        "[[0 0.142857149 0.285714298 0.428571433]",
        " [0.571428597 0.714285731 0.857142866 1]",
        " [1.14285719 1.28571427 1.42857146 1.57142854]]",
        "1 [1 0] 3.25 1e-07 1e+10 [nan inf -inf] 123456792 0.1 [0.0999755859 0.199951172]",
        "a, b!",
        "[[0 1 2]", " [3 4 5]", " [6 7 8]", " ...", " [21 22 23]", " [24 25 26]",
        " [27 28 29]]",
        "[[[0 1]", "  [2 3]]", "", " [[4 5]", "  [6 7]]]",
        ""]
    assert err == "to stderr\n"


def test_prints_on_every_call_and_only_in_the_branch_taken(capsys):
    @ember.function
    def f(x):
        ember_print("f", x, output_stream=sys.stdout)
        y = ember.cond(x[0] > 0,
                       lambda: (ember_print("pos", output_stream=sys.stdout), x * 2)[1],
                       lambda: (ember_print("neg", output_stream=sys.stdout), x * 3)[1])
        ember.while_loop(lambda i: i < 2,
                         lambda i: (ember_print("it", i, output_stream=sys.stdout), i + 1)[1],
                         [ember.constant(0)])
        ember_print("constant", output_stream=sys.stdout)
        return y

    f(ember.constant([1.0]))
    f(ember.constant([-1.0]))
    assert capsys.readouterr().out.split("\n") == [
        "f [1]", "pos", "it 0", "it 1", "constant",
        "f [-1]", "neg", "it 0", "it 1", "constant", ""]
    assert f.experimental_get_tracing_count() == 1


def test_dry_traces_print_nothing_and_gradients_do_not_print_twice(capsys, tmp_path):
    log = tmp_path / "log.txt"

    @ember.function(input_signature=[ember.TensorSpec([None])])
    def g(x):
        ember_print("g", ember.shape(x), output_stream=f"file://{log}")
        return x * 2

    g(ember.ones([3]))
    g(ember.ones([5]))
    assert log.read_text() == "g [3]\ng [5]\n"     # not the example sizes traced dry

    @ember.function
    def k(x):
        with ember.GradientTape() as tape:
            tape.watch(x)
            y = ember.cond(x > 0, lambda: (ember_print("b", output_stream=sys.stdout),
                                           x * x)[1], lambda: x)
        return tape.gradient(y, x)

    assert float(k(ember.constant(3.0))) == 6.0 and float(k(ember.constant(2.0))) == 4.0
    assert capsys.readouterr().out == "b\nb\n"
