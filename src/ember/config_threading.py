"""``ember.config.threading``: the thread counts of ``tf.config.threading``. The intra-op
count is the number of threads one op uses: the threads Ember splits an op's work over
(``ember.core.cpu_threads``) and the BLAS threads of NumPy's matrix products (applied
through ``threadpoolctl`` when it is installed); Ember runs one op at a time, so the
inter-op count is recorded for the getter and changes nothing."""
from __future__ import annotations

import warnings
from typing import Any

_STATE: dict[str, Any] = {"intra": 0, "inter": 0, "limiter": None}


def set_intra_op_parallelism_threads(num_threads: int) -> None:
    """Use ``num_threads`` threads inside one op (BLAS); 0 lets the library choose.

    >>> set_intra_op_parallelism_threads(0); get_intra_op_parallelism_threads()
    0
    """
    num_threads = int(num_threads)
    if num_threads < 0:
        raise ValueError("ember.config.threading.set_intra_op_parallelism_threads: the "
                         f"number of threads must be >= 0; got {num_threads}")
    _STATE["intra"] = num_threads
    from .core import cpu_threads
    cpu_threads.set_thread_count(num_threads)
    try:
        import threadpoolctl
    except ImportError:
        if num_threads:
            warnings.warn("ember.config.threading: install threadpoolctl to set the number "
                          "of BLAS threads; the setting is recorded but not applied",
                          RuntimeWarning, stacklevel=2)
        return
    if _STATE["limiter"] is not None:
        _STATE["limiter"].restore_original_limits()
        _STATE["limiter"] = None
    if num_threads:
        _STATE["limiter"] = threadpoolctl.threadpool_limits(limits=num_threads,
                                                            user_api="blas")


def get_intra_op_parallelism_threads() -> int:
    """The count ``set_intra_op_parallelism_threads`` set (0: the library's choice)."""
    return _STATE["intra"]


def set_inter_op_parallelism_threads(num_threads: int) -> None:
    """Record the number of threads for independent ops (Ember runs ops one at a time).

    >>> set_inter_op_parallelism_threads(2); get_inter_op_parallelism_threads()
    2
    >>> set_inter_op_parallelism_threads(0)
    """
    num_threads = int(num_threads)
    if num_threads < 0:
        raise ValueError("ember.config.threading.set_inter_op_parallelism_threads: the "
                         f"number of threads must be >= 0; got {num_threads}")
    _STATE["inter"] = num_threads


def get_inter_op_parallelism_threads() -> int:
    """The count ``set_inter_op_parallelism_threads`` recorded (0 by default)."""
    return _STATE["inter"]
