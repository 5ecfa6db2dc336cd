"""keras.utils.text_dataset_from_directory: file order, labels, splits and messages as
Keras 3.15 gives them for the same folder tree (values recorded from Keras)."""
import os

import numpy as np
import pytest

import ember
from ember import keras

f = keras.utils.text_dataset_from_directory

FILES = {"neg/1.txt": "bad movie", "neg/2.txt": "awful", "neg/sub/3.txt": "worst ever",
         "pos/1.txt": "great film", "pos/2.txt": "loved it \u00e9", "pos/readme.md": "skip",
         "pos/3.TXT": "upper case ext", ".hidden/h.txt": "hidden", "top.txt": "top"}


@pytest.fixture
def root(tmp_path):
    for rel, text in FILES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return str(tmp_path)


def _elements(ds):
    out = []
    for element in ds.as_numpy_iterator():
        element = element if isinstance(element, tuple) else (element,)
        out.append(tuple(v.tolist() if hasattr(v, "tolist") else v for v in element))
    return out


INFERRED = [(b"bad movie", 0), (b"awful", 0), (b"worst ever", 0), (b"great film", 1),
            (b"loved it \xc3\xa9", 1), (b"upper case ext", 1)]


def test_inferred_labels_in_sorted_order(root, capsys):
    ds = f(root, shuffle=False, batch_size=None)
    assert capsys.readouterr().out == "Found 6 files belonging to 2 classes.\n"
    assert ds.class_names == ["neg", "pos"]
    assert ds.element_spec == (ember.data.StringSpec(()), ember.TensorSpec((), ember.int32))
    assert _elements(ds) == INFERRED


def test_batched_spec_and_cardinality(root):
    ds = f(root, shuffle=False, batch_size=4, verbose=False)
    assert ds.element_spec == (ember.data.StringSpec((None,)),
                               ember.TensorSpec((None,), ember.int32))
    assert len(ds) == 2
    texts, labels = next(iter(ds))
    assert texts.tolist() == [b"bad movie", b"awful", b"worst ever", b"great film"]
    assert labels.numpy().tolist() == [0, 0, 0, 1]


def test_no_labels_walks_everything(root, capsys):
    ds = f(root, shuffle=False, batch_size=None, labels=None)
    assert capsys.readouterr().out == "Found 8 files.\n"
    assert ds.class_names is None
    assert [e[0] for e in _elements(ds)] == [b"top", b"hidden"] + [t for t, _ in INFERRED]
    assert [e[0] for e in _elements(f(root, shuffle=False, batch_size=None,
                                      label_mode=None, verbose=False))][:2] == [b"top",
                                                                                b"hidden"]


def test_categorical_with_max_length(root):
    ds = f(root, shuffle=False, batch_size=2, label_mode="categorical", max_length=4,
           verbose=False)
    assert ds.element_spec[1] == ember.TensorSpec((None, 2), ember.float32)
    assert _elements(ds) == [([b"bad ", b"awfu"], [[1.0, 0.0], [1.0, 0.0]]),
                             ([b"wors", b"grea"], [[1.0, 0.0], [0.0, 1.0]]),
                             ([b"love", b"uppe"], [[0.0, 1.0], [0.0, 1.0]])]


def test_binary_labels(root):
    ds = f(root, shuffle=False, batch_size=None, label_mode="binary", verbose=False)
    assert ds.element_spec[1] == ember.TensorSpec((1,), ember.float32)
    assert [e[1] for e in _elements(ds)] == [[0.0]] * 3 + [[1.0]] * 3


def test_explicit_labels_and_class_names(root, capsys):
    labels = [0, 1, 0, 1, 0, 1, 0, 2]
    ds = f(root, shuffle=False, batch_size=None, labels=labels)
    assert "belonging to 3 classes" in capsys.readouterr().out
    assert ds.class_names == ["0", "1", "2"]
    assert [e[1] for e in _elements(ds)] == labels
    ds = f(root, shuffle=False, batch_size=None, class_names=["pos", "neg"], verbose=False)
    assert _elements(ds)[0] == (b"great film", 0) and _elements(ds)[-1] == (b"worst ever", 1)
    ds = f(root, shuffle=False, batch_size=None, class_names=["pos"], verbose=False)
    assert len(ds) == 3


def test_validation_split_matches_keras_membership(root, capsys):
    train, val = f(root, validation_split=0.34, subset="both", seed=3, batch_size=None,
                   verbose=False)
    assert capsys.readouterr().out == ("Using 4 files for training.\n"
                                       "Using 2 files for validation.\n")
    assert sorted(_elements(train)) == [(b"awful", 0), (b"great film", 1),
                                        (b"loved it \xc3\xa9", 1), (b"upper case ext", 1)]
    assert _elements(val) == [(b"bad movie", 0), (b"worst ever", 0)]
    assert train.class_names == val.class_names == ["neg", "pos"]
    alone = f(root, validation_split=0.34, subset="training", seed=3, batch_size=None,
              verbose=False)
    assert sorted(_elements(alone)) == sorted(_elements(train))


def test_shuffle_is_seeded(root):
    one = _elements(f(root, seed=7, batch_size=None, verbose=False))
    two = _elements(f(root, seed=7, batch_size=None, verbose=False))
    assert one == two and sorted(one) == sorted(INFERRED)


def test_follow_links(root, tmp_path_factory):
    other = tmp_path_factory.mktemp("linked")
    (other / "x.txt").write_text("via link")
    os.symlink(other, os.path.join(root, "pos", "link"))
    plain = f(root, shuffle=False, batch_size=None, verbose=False)
    followed = f(root, shuffle=False, batch_size=None, follow_links=True, verbose=False)
    assert len(followed) == len(plain) + 1
    assert (b"via link", 1) in _elements(followed)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"labels": "x"}, ValueError, "`labels` argument should be a list/tuple"),
    ({"labels": [0, 1], "class_names": ["a"]}, ValueError, "You can only pass `class_names`"),
    ({"label_mode": "sparse"}, ValueError, "`label_mode` argument must be one of"),
    ({"validation_split": 0.2}, ValueError, "If `subset` is set, `validation_split`"),
    ({"validation_split": 1.5, "subset": "training"}, ValueError, "must be between 0 and 1"),
    ({"validation_split": 0.2, "subset": "x", "seed": 1}, ValueError, "`subset` must be either"),
    ({"validation_split": 0.2, "subset": "training"}, ValueError, "you must provide a `seed`"),
    ({"labels": [0, 1]}, ValueError, "len\\(labels\\) is 2 while we found 8 files"),
    ({"class_names": ["zzz"]}, ValueError, "did not match the names of the subdirectories"),
    ({"labels": None, "class_names": ["neg"]}, ValueError, "When `labels=None`"),
    ({"label_mode": "binary", "class_names": ["neg"]}, ValueError, "exactly 2 class_names"),
    ({"format": "grain"}, ValueError, '`format` should be "tf"'),
])
def test_argument_errors(root, kwargs, error, message):
    with pytest.raises(error, match=message):
        f(root, verbose=False, **kwargs)


def test_empty_and_missing_directories(tmp_path):
    (tmp_path / "x").mkdir()
    with pytest.raises(ValueError, match="No text files found in directory"):
        f(str(tmp_path), verbose=False)
    with pytest.raises(FileNotFoundError):
        f(str(tmp_path / "nope"), verbose=False)


def test_too_small_validation_subset(root):
    with pytest.raises(ValueError, match="No validation text files found"):
        f(root, validation_split=0.1, subset="both", seed=1, verbose=False)


def test_labels_as_numpy_array(root):
    ds = f(root, shuffle=False, batch_size=None, labels=np.arange(8), verbose=False)
    assert [e[1] for e in _elements(ds)] == list(range(8))
