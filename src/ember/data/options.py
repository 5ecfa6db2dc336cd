"""Constants and ``Options`` of ``ember.data`` (TensorFlow's ``tf.data`` names)."""
from __future__ import annotations

from typing import Any

AUTOTUNE = -1
"""Let the pipeline choose (accepted wherever TF accepts it: parallelism, buffer sizes)."""
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


class _OptionGroup:
    """A group of named options; unknown names may be set freely (they are recorded)."""

    def __init__(self, **defaults: Any):
        self.__dict__.update(defaults)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.__dict__!r})"


class ThreadingOptions(_OptionGroup):
    def __init__(self):
        super().__init__(max_intra_op_parallelism=None, private_threadpool_size=None)


class OptimizationOptions(_OptionGroup):
    def __init__(self):
        super().__init__(apply_default_optimizations=None, map_parallelization=None,
                         parallel_batch=None, noop_elimination=None)


class AutotuneOptions(_OptionGroup):
    def __init__(self):
        super().__init__(enabled=None, cpu_budget=None, ram_budget=None)


class DistributeOptions(_OptionGroup):
    def __init__(self):
        super().__init__(auto_shard_policy=None, num_devices=None)


class Options:
    """Options of a dataset, set with ``Dataset.with_options``. Ember records them;
    ``deterministic`` is always honoured (Ember's pipelines are deterministic).

    >>> import ember.data
    >>> opts = ember.data.Options(); opts.deterministic = True
    >>> ember.data.Dataset.range(3).with_options(opts).options().deterministic
    True
    """

    def __init__(self):
        self.deterministic = None
        self.experimental_optimization = OptimizationOptions()
        self.experimental_threading = ThreadingOptions()
        self.threading = self.experimental_threading
        self.autotune = AutotuneOptions()
        self.experimental_distribute = DistributeOptions()
        self.experimental_slack = None
        self.experimental_external_state_policy = None
        self.experimental_warm_start = None

    def merge(self, options: Options | None) -> Options:
        """A new Options with the values set in ``options`` taking precedence."""
        out = Options()
        for src in (self, options):
            if src is None:
                continue
            for k, v in src.__dict__.items():
                if v is not None and not isinstance(v, _OptionGroup):
                    setattr(out, k, v)
                elif isinstance(v, _OptionGroup):
                    group = getattr(out, k)
                    for gk, gv in v.__dict__.items():
                        if gv is not None:
                            setattr(group, gk, gv)
        return out

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Options) and repr(self) == repr(other)

    def __repr__(self) -> str:
        return f"Options({ {k: v for k, v in self.__dict__.items()} !r})"
