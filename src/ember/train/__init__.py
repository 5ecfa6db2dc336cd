"""ember.train: checkpoints (``tf.train`` in TensorFlow), and ``atomic_path``, the
crash-safe write every Ember save goes through (an Ember extension).

>>> import os, tempfile, ember
>>> d = tempfile.mkdtemp()
>>> ckpt = ember.train.Checkpoint(step=ember.Variable(7))
>>> path = ckpt.save(os.path.join(d, "ckpt"))
>>> ember.train.latest_checkpoint(d) == path
True
"""
from __future__ import annotations

from .atomic import atomic_path
from .checkpoint import (
                         Checkpoint,
                         CheckpointLoadStatus,
                         CheckpointOptions,
                         InitializationOnlyStatus,
)
from .checkpoint_manager import CheckpointManager
from .moving_averages import ExponentialMovingAverage
from .reader import CheckpointReader, list_variables, load_checkpoint, load_variable
from .state_file import (
                         CheckpointState,
                         checkpoints_iterator,
                         get_checkpoint_state,
                         latest_checkpoint,
)

__all__ = ["atomic_path", "Checkpoint", "CheckpointLoadStatus", "CheckpointManager",
           "CheckpointOptions", "CheckpointReader", "CheckpointState", "ExponentialMovingAverage",
           "InitializationOnlyStatus", "checkpoints_iterator", "get_checkpoint_state",
           "latest_checkpoint", "list_variables", "load_checkpoint", "load_variable"]
