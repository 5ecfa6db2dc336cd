"""The legacy Keras 2 HDF5 format (``model.save("m.h5")``, ``save_weights("w.h5")``).

Layout (what Keras 2, and Keras 3's legacy writer, produce):

- root attributes ``model_config`` (the model's config as JSON, envelopes without
  ``module``), ``training_config`` (loss, metrics, ``optimizer_config``),
  ``keras_version``, ``backend``; a weights-only file has no ``model_config``.
- ``model_weights`` (or the root, weights only): attribute ``layer_names``; one group per
  layer whose attribute ``weight_names`` lists its datasets, e.g. ``dense/kernel:0``.
  Weights are matched to layers in order (layers without weights are skipped), each
  layer's values in ``trainable_weights + non_trainable_weights`` order.
- ``optimizer_weights``: attribute ``weight_names``; the optimizer's variables in order.

>>> import os, tempfile
>>> from ember import keras
>>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
>>> path = os.path.join(tempfile.mkdtemp(), "m.h5")
>>> save_model(model, path)
>>> load_model(path).output_shape
(None, 2)
"""
from __future__ import annotations

import json
import os
import warnings
from typing import Any

import numpy as np

from .atomic import atomic_write
from .weights_h5 import VarsEntry, require_h5py

_ATTR_LIMIT = 64000   # HDF5 object headers hold about 64 KB: longer lists are chunked


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def read_name_list(group: Any, name: str) -> list[str]:
    """An attribute list of names, joining ``name0``, ``name1`` ... chunks."""
    if name in group.attrs:
        return [_text(n) for n in np.atleast_1d(group.attrs[name]) if n is not None]
    out, i = [], 0
    while f"{name}{i}" in group.attrs:
        out += [_text(n) for n in np.atleast_1d(group.attrs[f"{name}{i}"])]
        i += 1
    return out


def _write_name_list(group: Any, name: str, names: list[str]) -> None:
    data = np.array([n.encode("utf-8") for n in names], dtype=object) if names else \
        np.array([], dtype="S1")
    if data.size and sum(len(n) for n in names) > _ATTR_LIMIT:
        chunks = int(np.ceil(sum(len(n) for n in names) / _ATTR_LIMIT)) + 1
        for i, part in enumerate(np.array_split(data, chunks)):
            group.attrs[f"{name}{i}"] = part
    else:
        group.attrs[name] = data


def legacy_weights(layer: Any) -> list:
    """A layer's variables in the legacy order: trainable, then non-trainable."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def is_legacy_weights(group: Any) -> bool:
    """Whether an HDF5 group holds legacy (``layer_names``) weights."""
    return "layer_names" in group.attrs or "layer_names0" in group.attrs


# -- writing --------------------------------------------------------------------------------
def _write_weights_group(group: Any, model: Any) -> None:
    layers = list(model.layers)
    _write_name_list(group, "layer_names", [l.name for l in layers])
    group.attrs["backend"] = b"ember"
    group.attrs["keras_version"] = _keras_version().encode("utf-8")
    for layer in sorted(layers, key=lambda l: l.name):
        _write_subset(group.create_group(layer.name), legacy_weights(layer))
    own = [v for v in model._trainable_variables + model._non_trainable_variables]
    _write_subset(group.create_group("top_level_model_weights"), own)


def _write_subset(group: Any, weights: list) -> None:
    names = [str(getattr(w, "path", None) or w.name) for w in weights]
    _write_name_list(group, "weight_names", names)
    for name, w in zip(names, weights):
        group.create_dataset(name, data=np.asarray(w.numpy()))


def _keras_version() -> str:
    from .saving_lib import KERAS_FORMAT_VERSION
    return KERAS_FORMAT_VERSION


def save_model(model: Any, filepath: str, overwrite: bool = True,
               include_optimizer: bool = True) -> None:
    """Write ``model`` in the legacy HDF5 format (atomically).

    >>> import os, tempfile
    >>> from ember import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> save_model(model, os.path.join(tempfile.mkdtemp(), "m.h5"))
    """
    from .serialization import serialize_keras_object
    h5py = require_h5py()
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} already exists; pass overwrite=True to replace it.")
    envelope = serialize_keras_object(model)
    model_config = {"class_name": envelope["class_name"], "config": envelope["config"]}
    with atomic_write(filepath) as tmp, h5py.File(tmp, "w") as f:
        f.attrs["keras_version"] = _keras_version().encode("utf-8")
        f.attrs["backend"] = b"ember"
        f.attrs["model_config"] = json.dumps(model_config).encode("utf-8")
        _write_weights_group(f.create_group("model_weights"), model)
        optimizer = getattr(model, "optimizer", None)
        compile_config = model.get_compile_config() if hasattr(
            model, "get_compile_config") else None
        if include_optimizer and compile_config:
            training = {k: v for k, v in compile_config.items() if k != "optimizer"}
            opt = compile_config.get("optimizer")
            if isinstance(opt, dict):
                training["optimizer_config"] = {"class_name": opt["class_name"],
                                                "config": opt["config"]}
            f.attrs["training_config"] = json.dumps(training).encode("utf-8")
            if optimizer is not None and optimizer.variables and optimizer.built:
                group = f.create_group("optimizer_weights")
                _write_subset(group, optimizer.variables)


def save_weights(model: Any, filepath: str, overwrite: bool = True) -> None:
    """Write only the weights, legacy layout (``layer_names`` at the root)."""
    h5py = require_h5py()
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} already exists; pass overwrite=True to replace it.")
    with atomic_write(filepath) as tmp, h5py.File(tmp, "w") as f:
        _write_weights_group(f, model)


# -- reading --------------------------------------------------------------------------------
def _open(filepath: str):
    h5py = require_h5py()
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No such file: '{filepath}'")
    try:
        return h5py.File(filepath, "r")
    except Exception as e:
        raise ValueError(f"Cannot read '{filepath}': it is not a valid HDF5 file (it may be "
                         f"truncated or corrupt): {e}") from None


def _read_values(group: Any, source: str) -> list[np.ndarray]:
    names = read_name_list(group, "weight_names")
    values = []
    for name in names:
        # weight names may contain "/" (nested groups): walk them one part at a time
        parent, _, leaf = name.rpartition("/")
        holder = group
        for part in [p for p in parent.split("/") if p]:
            if part not in holder:
                raise ValueError(f"{source}: weight '{name}' listed in "
                                 f"'{group.name}' is missing from the file.")
            holder = holder[part]
        values.append(VarsEntry(holder, f"{group.name.lstrip('/')}/{parent}".rstrip("/"),
                                source)[leaf])
    return values


def load_weights_from_group(model: Any, group: Any, source: str,
                            skip_mismatch: bool = False, by_name: bool = False) -> None:
    """Assign legacy weights from ``group`` to ``model``'s layers, in order (or by layer
    name with ``by_name``)."""
    saved = [n for n in read_name_list(group, "layer_names")
             if n in group and read_name_list(group[n], "weight_names")]
    problems: list[str] = []

    def assign(layer, variables, values, label):
        if len(values) != len(variables):
            problems.append(f"{label}: the layer expects {len(variables)} weight(s), the "
                            f"file has {len(values)}")
            return
        for var, value in zip(variables, values):
            if tuple(var.shape) != tuple(value.shape):
                problems.append(f"{label}: weight '{var.path}' has shape "
                                f"{tuple(var.shape)}, the file has {tuple(value.shape)}")
                return
        for var, value in zip(variables, values):
            var.assign(np.asarray(value).astype(var.dtype.as_numpy_dtype, copy=False))

    if by_name:
        layers = {l.name: l for l in model.layers}
        for name in saved:
            if name in layers:
                assign(layers[name], legacy_weights(layers[name]),
                       _read_values(group[name], source), f"layer '{name}'")
    else:
        layers = [l for l in model.layers if legacy_weights(l)]
        if len(saved) != len(layers):
            raise ValueError(f"Cannot load '{source}': layer count mismatch. The model has "
                             f"{len(layers)} layers with weights "
                             f"({[l.name for l in layers]}), the file has {len(saved)} "
                             f"({saved}).")
        for k, (name, layer) in enumerate(zip(saved, layers)):
            assign(layer, legacy_weights(layer), _read_values(group[name], source),
                   f"layer #{k} (named '{layer.name}' in the model, '{name}' in the file)")
    if "top_level_model_weights" in group:
        own = [v for v in model._trainable_variables + model._non_trainable_variables]
        values = _read_values(group["top_level_model_weights"], source)
        if own or values:
            assign(model, own, values, "top-level model weights")
    if problems:
        msg = f"Cannot load the weights in '{source}':\n- " + "\n- ".join(problems)
        if skip_mismatch:
            warnings.warn(msg, stacklevel=3)
        else:
            raise ValueError(msg)


def load_weights(model: Any, filepath: str, skip_mismatch: bool = False,
                 by_name: bool = False) -> None:
    """``model.load_weights("w.h5")`` for legacy files (whole-model files too)."""
    with _open(filepath) as f:
        group = f["model_weights"] if "model_weights" in f and not is_legacy_weights(f) \
            else f
        if not is_legacy_weights(group):
            raise ValueError(f"Cannot load '{filepath}': it is an HDF5 file but holds no "
                             "Keras weights (no 'layer_names' attribute).")
        load_weights_from_group(model, group, filepath, skip_mismatch=skip_mismatch,
                                by_name=by_name)


def load_model(filepath: str, custom_objects: dict | None = None, compile: bool = True,
               safe_mode: bool = True) -> Any:
    """A model from a legacy ``.h5`` file: its config, weights and (when ``compile``)
    training config and optimizer state."""
    from .legacy_config import upgrade_config
    from .saving_lib import model_from_config_dict
    with _open(filepath) as f:
        if "model_config" not in f.attrs:
            raise ValueError(f"No model config found in the file at '{filepath}': it holds "
                             "weights only; build the model and use `load_weights`.")
        try:
            config = json.loads(_text(f.attrs["model_config"]))
        except json.JSONDecodeError as e:
            raise ValueError(f"Cannot load '{filepath}': its model_config is not valid "
                             f"JSON: {e}") from None
        model = model_from_config_dict(upgrade_config(config), custom_objects, False,
                                       safe_mode, filepath)
        load_weights_from_group(model, f["model_weights"], filepath)
        if compile and "training_config" in f.attrs:
            training = json.loads(_text(f.attrs["training_config"]))
            _compile_from_training_config(model, training, custom_objects)
            if "optimizer_weights" in f and model.optimizer is not None:
                values = _read_values(f["optimizer_weights"], filepath)
                model.optimizer.build(model.trainable_variables)
                if len(values) == len(model.optimizer.variables):
                    model.optimizer.set_weights(values)
                else:
                    warnings.warn(f"'{filepath}': the optimizer state was not restored (the "
                                  f"file has {len(values)} optimizer variables, the "
                                  f"optimizer {len(model.optimizer.variables)}); training "
                                  "starts with a fresh optimizer state.", stacklevel=2)
    return model


def _compile_from_training_config(model: Any, training: dict,
                                  custom_objects: dict | None) -> None:
    from .. import optimizers
    from .legacy_config import upgrade_config
    from .serialization import deserialize_keras_object

    def resolve(value):
        if isinstance(value, dict) and "class_name" in value:
            return deserialize_keras_object(upgrade_config(value),
                                            custom_objects=custom_objects)
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value
    opt_config = training.get("optimizer_config")
    optimizer = optimizers.deserialize(upgrade_config(opt_config),
                                       custom_objects=custom_objects) \
        if opt_config else "rmsprop"
    model.compile(optimizer=optimizer, loss=resolve(training.get("loss")),
                  metrics=resolve(training.get("metrics")),
                  weighted_metrics=resolve(training.get("weighted_metrics")),
                  loss_weights=training.get("loss_weights"))
