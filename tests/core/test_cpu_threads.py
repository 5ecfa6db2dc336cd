"""Ember's CPU threads (``ember.core.cpu_threads``): parts of one op running at once on
OpenBLAS's worker threads."""
import threading
import time

import numpy as np
import pytest

from ember.core import cpu_threads


def test_parts_run_on_two_cpu_threads_and_the_blas_count_is_restored(two_cpu_threads):
    before = two_cpu_threads.get()
    seen = [None, None]

    def part(k):
        seen[k] = (threading.get_ident(), cpu_threads.parts(), two_cpu_threads.get())
    assert cpu_threads.parts() == 2
    cpu_threads.parallel(part, 2)
    assert seen[0][0] == threading.get_ident()
    assert seen[1][0] not in (None, seen[0][0])
    # no nested splitting, and a part's own BLAS calls are single-threaded
    assert seen[0][1:] == seen[1][1:] == (1, 1)
    assert two_cpu_threads.get() == before and cpu_threads.parts() == 2


def test_parts_overlap_in_time(two_cpu_threads):
    """Both parts are inside a nogil NumPy call at once: each waits for the other."""
    started = [threading.Event(), threading.Event()]
    met = [False, False]

    def part(k):
        started[k].set()
        met[k] = started[1 - k].wait(10)
    cpu_threads.parallel(part, 2)
    assert met == [True, True]


def test_a_product_inside_a_part_does_not_wait_for_itself(two_cpu_threads, rng):
    a = rng.standard_normal((600, 600)).astype(np.float32)   # threaded by OpenBLAS alone
    out = [None, None]

    def part(k):
        out[k] = a @ a
    cpu_threads.parallel(part, 2)
    np.testing.assert_allclose(out[0], out[1], rtol=1e-5, atol=1e-3)


def test_an_error_in_a_worker_part_is_raised_after_all_parts(two_cpu_threads):
    finished = []

    def part(k):
        if k == 1:
            raise ValueError("part 1 failed")
        time.sleep(0.01)
        finished.append(k)
    with pytest.raises(ValueError, match="part 1 failed"):
        cpu_threads.parallel(part, 2)
    assert finished == [0]
    out = [0, 0]                            # the threads still work afterwards

    def fill(k):
        out[k] = k + 1
    cpu_threads.parallel(fill, 2)
    assert out == [1, 2]


def test_an_interrupt_in_the_callers_part_is_raised(two_cpu_threads):
    def part(k):
        if k == 0:
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        cpu_threads.parallel(part, 2)
    assert cpu_threads.parts() == 2


def test_another_threads_split_meanwhile_runs_its_parts_in_turn(two_cpu_threads):
    inner = []

    def elsewhere():
        inner.append(cpu_threads.parts())
        order = []
        cpu_threads.parallel(lambda k: order.append((k, threading.get_ident())), 2)
        inner.append(order)

    def part(k):
        if k == 0:
            t = threading.Thread(target=elsewhere)
            t.start()
            t.join()
    cpu_threads.parallel(part, 2)
    parts, order = inner
    assert parts == 1
    assert [k for k, _ in order] == [0, 1] and order[0][1] == order[1][1]


def test_parallel_without_threads_runs_every_part_in_order():
    cpu_threads.set_thread_count(1)
    try:
        assert cpu_threads.parts() == 1
        seen = []
        cpu_threads.parallel(seen.append, 3)
        assert seen == [0, 1, 2]
    finally:
        cpu_threads.set_thread_count(0)


def test_more_parts_than_threads_run_in_turn(two_cpu_threads):
    seen = []
    cpu_threads.parallel(seen.append, two_cpu_threads.workers.value + 1)
    assert seen == list(range(two_cpu_threads.workers.value + 1))


def test_config_threading_intra_op_count_caps_the_parts():
    import ember
    ember.config.threading.set_intra_op_parallelism_threads(1)
    try:
        assert cpu_threads.thread_count() == 1 and cpu_threads.parts() == 1
    finally:
        ember.config.threading.set_intra_op_parallelism_threads(0)
    assert cpu_threads.thread_count() >= 1
