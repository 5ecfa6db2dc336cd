import math
import threading
import time
import warnings

import numpy as np
import pytest

from ember import keras
from ember.keras.utils import PyDataset
from ember.keras.utils.py_dataset import epoch_batches


class Batches(PyDataset):
    def __init__(self, n=10, batch_size=4, delay=0.0, **kwargs):
        super().__init__(**kwargs)
        self.x = np.arange(n, dtype=np.float32)
        self.batch_size = batch_size
        self.delay = delay
        self.events = []
        self.threads = set()

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, idx):
        self.threads.add(threading.get_ident())
        if self.delay:
            time.sleep(self.delay * (3 - idx % 3))    # finish out of order
        lo = idx * self.batch_size
        return self.x[lo:lo + self.batch_size], self.x[lo:lo + self.batch_size] * 2

    def on_epoch_begin(self):
        self.events.append("begin")

    def on_epoch_end(self):
        self.events.append("end")


def test_defaults_and_arguments():
    ds = Batches()
    assert (ds.workers, ds.use_multiprocessing, ds.max_queue_size) == (1, False, 10)
    ds = Batches(workers=4, use_multiprocessing=True, max_queue_size=3)
    assert (ds.workers, ds.use_multiprocessing, ds.max_queue_size) == (4, True, 3)
    ds.workers = 2
    assert ds.workers == 2


def test_len_num_batches_and_iteration():
    ds = Batches()
    assert len(ds) == 3 and ds.num_batches == 3
    sizes = [len(x) for x, _ in ds]
    assert sizes == [4, 4, 2]
    np.testing.assert_array_equal(ds[1][1], [8, 10, 12, 14])
    assert ds.events == []        # iterating by hand calls no epoch hooks, as in Keras


def test_missing_super_init_warns():
    class NoInit(PyDataset):
        def __init__(self):
            pass

        def __len__(self):
            return 1

        def __getitem__(self, i):
            return np.zeros(1)

    ds = NoInit()
    with pytest.warns(UserWarning, match=r"should call `super\(\).__init__\(\*\*kwargs\)`"):
        assert ds.workers == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ds.max_queue_size == 10     # warned once; defaults now set


def test_base_class_errors():
    with pytest.raises(NotImplementedError, match="__getitem__"):
        PyDataset()[0]
    with pytest.raises(NotImplementedError, match="num_batches"):
        PyDataset().num_batches


def test_endless_dataset_with_num_batches_none():
    class Endless(PyDataset):
        @property
        def num_batches(self):
            return None

        def __getitem__(self, i):
            return i

    it = iter(Endless())
    assert [next(it) for _ in range(5)] == [0, 1, 2, 3, 4]


def test_epoch_batches_single_worker():
    ds = Batches()
    got = [x.tolist() for x, _ in epoch_batches(ds)]
    assert got == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert ds.events == ["begin", "end"]
    got = [x[0] for x, _ in epoch_batches(ds, order=[2, 0, 1])]
    assert got == [8, 0, 4]


def test_epoch_batches_thread_pool_keeps_order():
    ds = Batches(n=24, batch_size=2, delay=0.002, workers=3, max_queue_size=4)
    got = [x[0] for x, _ in epoch_batches(ds)]
    assert got == list(range(0, 24, 2))
    assert ds.events == ["begin", "end"]
    assert threading.get_ident() not in ds.threads and len(ds.threads) > 1


def test_epoch_batches_worker_error_propagates():
    class Broken(Batches):
        def __getitem__(self, idx):
            if idx == 1:
                raise RuntimeError("bad batch 1")
            return super().__getitem__(idx)

    with pytest.raises(RuntimeError, match="bad batch 1"):
        list(epoch_batches(Broken(workers=2)))


def test_epoch_batches_stops_early_cleanly():
    ds = Batches(n=100, batch_size=1, workers=2)
    gen = epoch_batches(ds)
    assert next(gen)[0][0] == 0
    gen.close()
    assert ds.events == ["begin"]


def test_public_names():
    assert keras.utils.PyDataset is PyDataset
    assert keras.utils.Sequence is PyDataset
