"""ember.Module and ember.name_scope against what tf.Module / tf.name_scope do (TF 2.21)."""
import numpy as np
import pytest

import ember


class Dense(ember.Module):
    def __init__(self, n_in, n_out, name=None):
        super().__init__(name=name)
        self.w = ember.Variable(np.ones((n_in, n_out), "float32"), name="w")
        self.b = ember.Variable(np.zeros(n_out, "float32"), name="b")

    def __call__(self, x):
        return ember.nn.relu(ember.matmul(x, self.w) + self.b)


class SequentialModule(ember.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.dense_1 = Dense(3, 3)
        self.dense_2 = Dense(3, 2)
        self.frozen = ember.Variable(1.0, trainable=False, name="frozen")
        self.layers = [Dense(2, 2, name="extra")]
        self.cfg = {"scale": ember.Variable(2.0, name="scale")}

    def __call__(self, x):
        return self.layers[0](self.dense_2(self.dense_1(x))) * self.cfg["scale"]


def test_variables_are_found_in_tensorflows_order():
    m = SequentialModule(name="the_model")
    # TF: attributes sorted by name, the module's own values before its submodules'
    assert [v.name for v in m.variables] == ["scale:0", "frozen:0", "b:0", "w:0", "b:0",
                                             "w:0", "b:0", "w:0"]
    assert len(m.trainable_variables) == 7
    assert [v.name for v in m.non_trainable_variables] == ["frozen:0"]
    assert [s.name for s in m.submodules] == ["dense", "dense", "extra"]
    assert isinstance(m.variables, tuple) and isinstance(m.submodules, tuple)
    assert m.variables[0] is m.cfg["scale"]


def test_names_default_to_the_class_name_in_snake_case_and_must_be_identifiers():
    class HTTPServer2(ember.Module):
        pass
    assert SequentialModule().name == "sequential_module"
    assert HTTPServer2().name == "http_server2"
    assert ember.Module(name="_a").name == "_a"
    for bad in ("bad name", "1a", "a/b", "a.b"):
        with pytest.raises(ValueError, match="is not a valid module name"):
            ember.Module(name=bad)


def test_a_variable_shared_twice_is_listed_once_and_cycles_end():
    m = ember.Module()
    m.a = ember.Variable(1.0)
    m.b = [m.a, m.a]
    m.child = ember.Module()
    m.child.parent = m
    assert len(m.variables) == 1
    assert m.submodules == (m.child,)
    paths = [p for p, _ in m._flatten(with_path=True, predicate=lambda v: isinstance(
        v, ember.Variable))]
    assert paths[:3] == [("a",), ("b", 0), ("b", 1)]


def test_name_scopes_prefix_variable_names():
    with ember.name_scope("outer") as scope:
        assert scope == "outer/"
        v = ember.Variable(1.0, name="inner")
        unnamed = ember.Variable(1.0)
        with ember.name_scope("i") as inner:
            assert inner == "outer/i/"
        with ember.name_scope("abs/") as absolute:   # a trailing "/" is a full scope
            assert absolute == "abs/"
        with ember.name_scope("") as top:
            assert top == ""
            assert ember.Variable(1.0, name="t").name == "t:0"
        m = ember.Module(name="q")
    assert (v.name, unnamed.name) == ("outer/inner:0", "outer/Variable:0")
    assert (m.name, m.name_scope.name) == ("q", "outer/q/")
    assert ember.Variable(1.0, name="after").name == "after:0"
    with pytest.raises(ValueError, match="must be a string"):
        ember.name_scope(None)


def test_module_name_scope_and_with_name_scope():
    class WithScope(ember.Module):
        def __init__(self):
            super().__init__(name="ws")
            with self.name_scope:
                self.v = ember.Variable(1.0, name="v")

        @ember.Module.with_name_scope
        def make(self):
            return ember.Variable(2.0, name="made")

    ws = WithScope()
    assert ws.v.name == "ws/v:0"
    assert ws.make().name == "ws/made:0"


def test_training_a_module_in_a_function_and_checkpointing_it(tmp_path):
    m = SequentialModule()
    x = ember.constant(np.random.RandomState(0).rand(4, 3).astype("float32"))
    before = m(x).numpy()
    opt = ember.keras.optimizers.SGD(0.01)

    @ember.function
    def step(x):
        with ember.GradientTape() as tape:
            loss = ember.reduce_mean(m(x) ** 2)
        grads = tape.gradient(loss, m.trainable_variables)
        opt.apply_gradients(zip(grads, m.trainable_variables))
        return loss

    losses = [float(step(x)) for _ in range(3)]
    assert losses[2] < losses[0]
    ckpt = ember.train.Checkpoint(model=m)
    path = ckpt.write(str(tmp_path / "ck"))
    trained = m(x).numpy()
    m.dense_1.w.assign(np.zeros((3, 3), "float32"))
    ckpt.restore(path)
    np.testing.assert_allclose(m(x).numpy(), trained)
    assert not np.allclose(trained, before)
    names = sorted(n for n, _ in ember.train.list_variables(path))
    assert "model/dense_1/w" in names and "model/cfg/scale" in names


def test_variables_created_lazily_are_found():
    class FlexibleDense(ember.Module):
        def __init__(self, n_out):
            super().__init__()
            self.n_out, self.built = n_out, False

        def __call__(self, x):
            if not self.built:
                self.w = ember.Variable(ember.ones([x.shape[-1], self.n_out]), name="w")
                self.built = True
            return ember.matmul(x, self.w)

    fd = FlexibleDense(4)
    assert fd.variables == ()
    assert fd(ember.ones([2, 5])).numpy().tolist() == [[5.0] * 4] * 2
    assert len(fd.variables) == 1
