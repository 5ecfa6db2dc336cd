"""ember.train: checkpoints (``tf.train`` in TensorFlow).

>>> import os, tempfile, ember
>>> d = tempfile.mkdtemp()
>>> ckpt = ember.train.Checkpoint(step=ember.Variable(7))
>>> path = ckpt.save(os.path.join(d, "ckpt"))
>>> ember.train.latest_checkpoint(d) == path
True
"""
from __future__ import annotations

from .checkpoint import Checkpoint, CheckpointLoadStatus, InitializationOnlyStatus
from .checkpoint_manager import CheckpointManager
from .reader import list_variables, load_variable
from .state_file import CheckpointState, get_checkpoint_state, latest_checkpoint

__all__ = ["Checkpoint", "CheckpointLoadStatus", "CheckpointManager", "CheckpointState",
           "InitializationOnlyStatus", "get_checkpoint_state", "latest_checkpoint",
           "list_variables", "load_variable"]
