"""A few rows times a large matrix, split with Ember's worker thread
(``ember.ops.kernels.row_product``), and the atomics it is built on."""
import os
import threading

import numpy as np
import pytest

pytest.importorskip("numba")

from numba import njit

from ember.ops import gemm
from ember.ops.kernels import atomics, blas, row_product


@pytest.fixture
def gemv():
    if not blas.gemv_address()[0]:
        pytest.skip("no callable cblas_sgemv here")


def _sum_in_chunks(a, b):
    """What the split computes: the partial products over the chunks of ``b``'s rows,
    added in chunk order (float64 for the reference)."""
    size = -(-a.shape[1] // row_product._CHUNKS)
    out = np.zeros((a.shape[0], b.shape[1]), np.float64)
    for lo in range(0, a.shape[1], size):
        out += a[:, lo:lo + size].astype(np.float64) @ b[lo:lo + size].astype(np.float64)
    return out


@pytest.mark.parametrize("m,k,n", [(1, 784, 512), (4, 300, 1000), (2, 7, 64), (3, 1, 5),
                                   (1, 1000, 3)])
def test_products_match_numpy(rng, gemv, m, k, n):
    a = rng.standard_normal((m, k)).astype(np.float32)
    b = rng.standard_normal((k, n)).astype(np.float32)
    got = row_product.product(a, b)
    assert got.shape == (m, n) and got.dtype == np.float32
    np.testing.assert_allclose(got, _sum_in_chunks(a, b), rtol=1e-5, atol=1e-4)


def test_strided_rows_and_columns(rng, gemv):
    big_a = rng.standard_normal((6, 900)).astype(np.float32)
    big_b = rng.standard_normal((800, 700)).astype(np.float32)
    a, b = big_a[::2, 50:850], big_b[:, 100:600]        # row strides past the width
    np.testing.assert_allclose(row_product.product(a, b), a @ b, rtol=1e-5, atol=1e-4)
    assert row_product.product(big_a[:, ::2], big_b[:450]) is None    # not unit stride


def test_the_result_does_not_depend_on_which_thread_did_which_chunk(rng, gemv):
    a = rng.standard_normal((2, 784)).astype(np.float32)
    b = rng.standard_normal((784, 512)).astype(np.float32)
    with_worker = [row_product.product(a, b) for _ in range(50)]
    worker = row_product._STATE["worker"]
    worker.stop()                   # from here the calling thread takes every chunk
    worker.thread.join(5)
    try:
        alone = row_product.product(a, b)
    finally:
        row_product._STATE["worker"] = None        # the next product starts a new one
    for got in with_worker:
        np.testing.assert_array_equal(got, alone)
    np.testing.assert_array_equal(row_product.product(a, b), alone)


def test_a_sleeping_worker_is_woken_and_not_waited_for(rng, gemv):
    a = rng.standard_normal((1, 600)).astype(np.float32)
    b = rng.standard_normal((600, 500)).astype(np.float32)
    want = row_product.product(a, b)
    worker = row_product._STATE["worker"]
    worker.ctl[row_product._STATE_AT] = row_product._ASLEEP   # as if napping were over
    np.testing.assert_array_equal(row_product.product(a, b), want)
    assert worker.wake.is_set() or worker.ctl[row_product._STATE_AT] == row_product._AWAKE


def test_threads_sharing_the_worker_get_their_own_products(rng, gemv):
    pairs = [(rng.standard_normal((1, 700)).astype(np.float32),
              rng.standard_normal((700, 400)).astype(np.float32)) for _ in range(4)]
    results, errors = {}, []

    def work(i):
        try:
            a, b = pairs[i]
            for _ in range(100):
                got = gemm.dot(a, b)
                np.testing.assert_allclose(got, a @ b, rtol=1e-5, atol=1e-4)
            results[i] = True
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and len(results) == 4


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_starts_its_own_worker(rng, gemv):
    a = rng.standard_normal((1, 784)).astype(np.float32)
    b = rng.standard_normal((784, 512)).astype(np.float32)
    want = row_product.product(a, b)
    pid = os.fork()
    if pid == 0:                                          # the child
        ok = np.array_equal(row_product.product(a, b), want) \
            and row_product._STATE["worker"].thread.is_alive()
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0


def test_dot_splits_only_few_rows_by_a_large_float32_matrix(rng, gemv, monkeypatch,
                                                             jit_switch):
    calls = []
    real = row_product.product
    monkeypatch.setattr(row_product, "product", lambda a, b: (calls.append(a.shape),
                                                               real(a, b))[1])
    big = rng.standard_normal((784, 512)).astype(np.float32)
    one = rng.standard_normal((1, 784)).astype(np.float32)
    np.testing.assert_allclose(gemm.dot(one, big), one @ big, rtol=1e-5, atol=1e-4)
    assert calls == [(1, 784)]
    for a, b in ((rng.standard_normal((5, 784)).astype(np.float32), big),   # many rows
                 (one, big[:, :100]),                                      # small matrix
                 (one.astype(np.float64), big.astype(np.float64))):        # float64
        np.testing.assert_array_equal(gemm.dot(a, b), a.dot(b))
    jit_switch(False)
    np.testing.assert_array_equal(gemm.dot(one, big), one.dot(big))
    assert calls == [(1, 784)]


def test_a_compiled_one_sample_dense_layer_equals_the_eager_one(rng, gemv):
    import ember
    x = ember.constant(rng.standard_normal((1, 784)).astype(np.float32))
    w = ember.Variable(rng.standard_normal((784, 512)).astype(np.float32))
    layer = ember.function(lambda x: ember.nn.relu(ember.matmul(x, w)))
    np.testing.assert_array_equal(layer(x).numpy(), ember.nn.relu(ember.matmul(x, w)).numpy())


@njit
def _atomics_in_one_thread(a):
    atomics.store(a, 1, 7)
    first = atomics.compare_exchange(a, 1, 7, 9)      # holds 7: swapped
    second = atomics.compare_exchange(a, 1, 7, 11)    # holds 9: left alone
    atomics.pause()
    return first, second, atomics.load(a, 1), atomics.cycles() > 0


def test_atomics():
    a = np.zeros(4, np.int64)
    assert _atomics_in_one_thread(a) == (True, False, 9, True)
    assert a.tolist() == [0, 9, 0, 0]


@njit(nogil=True)
def _count_up(a, times):
    done = 0
    while done < times:
        word = atomics.load(a, 0)
        if atomics.compare_exchange(a, 0, word, word + 1):
            done += 1


def test_compare_exchange_loses_no_update_between_threads():
    a = np.zeros(8, np.int64)
    _count_up(a, 1)
    threads = [threading.Thread(target=_count_up, args=(a, 200_000)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert a[0] == 400_001


def test_gemv_is_found_and_checked(rng):
    fn, ilp64 = blas.gemv_address()
    if not fn:
        pytest.skip("no callable cblas_sgemv here")
    a = rng.standard_normal((9, 13)).astype(np.float32)
    x = rng.standard_normal(9).astype(np.float32)
    y = np.empty(13, np.float32)
    blas._vector_product(fn, ilp64, a, x, y)
    np.testing.assert_allclose(y, x @ a, rtol=1e-5, atol=1e-5)
