"""keras.callbacks: hooks into fit / evaluate / predict."""
from ..._lazy import lazy_namespace as _lazy_namespace

_C = "ember.keras.callbacks"
_TABLE = {
    "Callback": f"{_C}.callback:Callback",
    "CallbackList": f"{_C}.callback_list:CallbackList",
    "History": f"{_C}.history:History",
    "ProgbarLogger": f"{_C}.progbar_logger:ProgbarLogger",
    "EarlyStopping": f"{_C}.early_stopping:EarlyStopping",
    "ModelCheckpoint": f"{_C}.model_checkpoint:ModelCheckpoint",
    "BackupAndRestore": f"{_C}.backup_and_restore:BackupAndRestore",
    "ReduceLROnPlateau": f"{_C}.reduce_lr_on_plateau:ReduceLROnPlateau",
    "LearningRateScheduler": f"{_C}.learning_rate_scheduler:LearningRateScheduler",
    "CSVLogger": f"{_C}.csv_logger:CSVLogger",
    "LambdaCallback": f"{_C}.lambda_callback:LambdaCallback",
    "TerminateOnNaN": f"{_C}.terminate_on_nan:TerminateOnNaN",
    "SwapEMAWeights": f"{_C}.swap_ema_weights:SwapEMAWeights",
}

__getattr__, __dir__ = _lazy_namespace(__name__, _TABLE, globals())
