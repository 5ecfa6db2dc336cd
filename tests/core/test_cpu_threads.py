"""Ember's CPU thread pool and parallel regions (``ember.core.cpu_threads``)."""
import threading

import pytest

from ember.core import cpu_threads


@pytest.fixture
def two_threads():
    """A pool of two threads, and OpenBLAS found (else the region is a no-op: skip)."""
    cpu_threads.set_thread_count(2)
    if cpu_threads.openblas() is None:
        pytest.skip("no OpenBLAS among NumPy's libraries: regions do nothing here")
    yield
    cpu_threads.set_thread_count(0)


def test_parallel_outside_a_region_runs_every_part_in_order():
    seen = []
    cpu_threads.parallel(seen.append, 3)
    assert seen == [0, 1, 2]
    assert cpu_threads.parts() == 1


def test_a_region_splits_over_two_threads_and_restores_the_blas(two_threads):
    blas = cpu_threads.openblas()
    before = blas.get()
    idents = [None, None]

    def part(k):
        idents[k] = threading.get_ident()
        assert cpu_threads.parts() == 1         # no splitting inside a part
    with cpu_threads.parallel_region() as used:
        assert used and cpu_threads.parts() == 2
        assert blas.get() == 1
        cpu_threads.parallel(part, 2)
    assert idents[0] == threading.get_ident() and idents[1] not in (None, idents[0])
    assert blas.get() == before and cpu_threads.parts() == 1


def test_nested_and_other_threads_regions_are_not_used(two_threads):
    other = []
    with cpu_threads.parallel_region() as used:
        assert used
        with cpu_threads.parallel_region() as inner:
            assert not inner and cpu_threads.parts() == 2   # the outer one still holds

        def elsewhere():
            with cpu_threads.parallel_region() as there:
                other.append((there, cpu_threads.parts()))
        t = threading.Thread(target=elsewhere)
        t.start()
        t.join()
    assert other == [(False, 1)]


def test_an_error_in_a_worker_part_is_raised_in_the_caller(two_threads):
    def part(k):
        if k == 1:
            raise ValueError("part 1 failed")
    with cpu_threads.parallel_region():
        with pytest.raises(ValueError, match="part 1 failed"):
            cpu_threads.parallel(part, 2)
        out = [0, 0]                            # the pool still works afterwards

        def fill(k):
            out[k] = k + 1
        cpu_threads.parallel(fill, 2)
    assert out == [1, 2]


def test_one_thread_turns_regions_off():
    cpu_threads.set_thread_count(1)
    try:
        with cpu_threads.parallel_region() as used:
            assert not used and cpu_threads.parts() == 1
    finally:
        cpu_threads.set_thread_count(0)


def test_config_threading_intra_op_count_sets_the_pool():
    import ember
    ember.config.threading.set_intra_op_parallelism_threads(1)
    try:
        assert cpu_threads.thread_count() == 1
    finally:
        ember.config.threading.set_intra_op_parallelism_threads(0)
    assert cpu_threads.thread_count() >= 1


def test_an_interrupted_split_replaces_the_pool(two_threads):
    def part(k):
        if k == 0:
            raise KeyboardInterrupt
    with cpu_threads.parallel_region():
        pool = cpu_threads._STATE["pool"]
        with pytest.raises(KeyboardInterrupt):
            cpu_threads.parallel(part, 2)
        assert cpu_threads._STATE["pool"] is not pool and cpu_threads.parts() == 1
    out = [0, 0]

    def fill(k):
        out[k] = k + 1
    with cpu_threads.parallel_region() as used:
        assert used and cpu_threads.parts() == 2
        cpu_threads.parallel(fill, 2)
    assert out == [1, 2]
