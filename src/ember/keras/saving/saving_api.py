"""``keras.saving.save_model`` / ``load_model`` / ``save_weights`` / ``load_weights``:
pick the file format from the file name.

- ``.keras``: the Keras 3 zip (``saving_lib``).
- ``.weights.h5``: the Keras 3 weight store alone (``weights_h5``).
- ``.h5`` / ``.hdf5``: the legacy Keras 2 HDF5 format (``legacy_h5``), full model or
  weights only.

>>> import os, tempfile
>>> from ember import keras
>>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
>>> path = os.path.join(tempfile.mkdtemp(), "w.weights.h5")
>>> save_weights(model, path)
>>> load_weights(model, path)
"""
from __future__ import annotations

import os
from typing import Any

from . import legacy_h5, saving_lib
from .atomic import atomic_write
from .state_walk import load_state, save_state
from .weights_h5 import WeightsReader, WeightsWriter, require_h5py

_LEGACY_SUFFIXES = (".h5", ".hdf5")


def save_model(model: Any, filepath: str | os.PathLike, overwrite: bool = True,
               zipped: bool | None = None, **kwargs) -> None:
    """Save ``model`` as a ``.keras`` file (or, for ``.h5``, the legacy Keras 2 format).

    >>> import os, tempfile
    >>> from ember import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> save_model(model, os.path.join(tempfile.mkdtemp(), "m.keras"))
    """
    include_optimizer = kwargs.pop("include_optimizer", True)
    save_format = kwargs.pop("save_format", None)
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {list(kwargs)}")
    if zipped is False:
        raise ValueError("Ember saves models as zipped .keras files only (zipped=False is "
                         "not supported).")
    path = os.fspath(filepath)
    if path.endswith(_LEGACY_SUFFIXES) or save_format == "h5":
        legacy_h5.save_model(model, path, overwrite=overwrite,
                             include_optimizer=include_optimizer)
        return
    if save_format not in (None, "keras"):
        raise ValueError(f"Unknown save_format {save_format!r}; Ember writes '.keras' "
                         "files (or legacy '.h5').")
    saving_lib.save_model(model, path, overwrite=overwrite)


def load_model(filepath: str | os.PathLike, custom_objects: dict | None = None,
               compile: bool = True, safe_mode: bool = True) -> Any:
    """Load a model saved by ``model.save`` (Ember or Keras): ``.keras`` or legacy
    ``.h5``. ``safe_mode=True`` refuses files that would run Python code.

    >>> import os, tempfile
    >>> from ember import keras
    >>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
    >>> keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]).save(path)
    >>> load_model(path).output_shape
    (None, 1)
    """
    path = os.fspath(filepath)
    if path.endswith(".keras"):
        return saving_lib.load_model(path, custom_objects=custom_objects, compile=compile,
                                     safe_mode=safe_mode)
    if path.endswith(_LEGACY_SUFFIXES):
        return legacy_h5.load_model(path, custom_objects=custom_objects, compile=compile,
                                    safe_mode=safe_mode)
    raise ValueError(f"File format not supported: filepath={path}. Keras 3 only supports "
                     "V3 `.keras` files and legacy H5 format files (`.h5` extension).")


def save_weights(model: Any, filepath: str | os.PathLike, overwrite: bool = True,
                 max_shard_size: Any = None) -> None:
    """Write every variable of ``model`` (and its optimizer) to a ``.weights.h5`` file.

    >>> import os, tempfile
    >>> from ember import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> save_weights(model, os.path.join(tempfile.mkdtemp(), "m.weights.h5"))
    """
    path = os.fspath(filepath)
    if max_shard_size is not None:
        raise ValueError("Sharded weight files (max_shard_size) are not supported by Ember.")
    if path.endswith(_LEGACY_SUFFIXES) and not path.endswith(".weights.h5"):
        legacy_h5.save_weights(model, path, overwrite=overwrite)
        return
    if not path.endswith(".weights.h5"):
        raise ValueError("The filename must end in `.weights.h5`. "
                         f"Received: filepath={path}")
    if not getattr(model, "built", True):
        raise ValueError("You are saving a model that has not yet been built. Try building "
                         "the model first by calling it on some data or by using `build()`.")
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path} already exists; pass overwrite=True to replace it.")
    require_h5py()
    writer = WeightsWriter()
    save_state(model, writer)
    with atomic_write(path) as tmp:
        writer.write(tmp)


def load_weights(model: Any, filepath: str | os.PathLike, skip_mismatch: bool = False,
                 **kwargs) -> None:
    """Assign ``model``'s variables from a ``.weights.h5``, ``.keras`` or legacy ``.h5``
    file. A mismatch (count, shape, unknown entries) raises, naming each problem, or
    only warns with ``skip_mismatch=True``.

    >>> import os, tempfile
    >>> from ember import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> path = os.path.join(tempfile.mkdtemp(), "m.weights.h5")
    >>> model.save_weights(path)
    >>> load_weights(model, path)
    """
    path = os.fspath(filepath)
    by_name = kwargs.pop("by_name", False)
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    if not os.path.exists(path):
        raise FileNotFoundError(f"No such file: '{path}'")
    if not getattr(model, "built", True):
        raise ValueError("You are loading weights into a model that has not yet been built. "
                         "Try building the model first by calling it on some data or by "
                         "using `build()`.")
    if path.endswith(".keras"):
        saving_lib.load_weights_from_archive(model, path, skip_mismatch)
    elif path.endswith(".weights.h5"):
        with WeightsReader(path) as reader:
            if legacy_h5.is_legacy_weights(reader.file):
                legacy_h5.load_weights_from_group(model, reader.file, path,
                                                  skip_mismatch=skip_mismatch,
                                                  by_name=by_name)
            else:
                load_state(model, reader, None, skip_mismatch=skip_mismatch)
    elif path.endswith(_LEGACY_SUFFIXES):
        legacy_h5.load_weights(model, path, skip_mismatch=skip_mismatch, by_name=by_name)
    else:
        raise ValueError(f"File format not supported: filepath={path}. Keras 3 only "
                         "supports V3 `.keras` and `.weights.h5` files, or legacy V1/V2 "
                         "`.h5` files.")
