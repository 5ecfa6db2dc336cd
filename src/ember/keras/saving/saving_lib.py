"""The Keras 3 ``.keras`` file: a zip archive of ``metadata.json``, ``config.json``,
``model.weights.h5`` and ``assets/``.

``config.json`` is the model's config envelope (``module``, ``class_name``, ``config``,
``registered_name``, ``build_config``, ``compile_config``); ``model.weights.h5`` holds every
variable, the optimizer's included, at the paths ``state_walk`` gives; ``assets/<path>/``
holds the files layers write with ``save_assets`` (vocabularies). Members are stored
uncompressed, as Keras writes them.

Reading checks the archive before trusting it: member names may not leave the archive
(``..``, absolute paths), declared sizes must be plausible, ``config.json`` must be JSON,
and Python code (a Lambda's bytecode) is refused under ``safe_mode``.

>>> import os, tempfile
>>> from ember import keras
>>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
>>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
>>> save_model(model, path)
>>> load_model(path).output_shape
(None, 2)
"""
from __future__ import annotations

import datetime
import io
import json
import os
import tempfile
import warnings
import zipfile
from typing import Any

from .atomic import atomic_write
from .object_registration import CustomObjectScope
from .serialization import deserialize_keras_object, serialize_keras_object
from .state_walk import load_state, save_state
from .weights_h5 import WeightsReader, WeightsWriter, require_h5py

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"
ASSETS_DIRNAME = "assets"
# the Keras release whose file format Ember writes (what real Keras reads it as)
KERAS_FORMAT_VERSION = "3.15.1"
_JSON_MAX_BYTES = 64 << 20          # a model config is never this large
_BOMB_FLOOR_BYTES = 256 << 20
_MAX_EXPANSION = 100


# -- assets ---------------------------------------------------------------------------------
class AssetsDir:
    """A directory of per-object asset folders (``<root>/<object path>/``), refusing
    object paths that would leave it."""

    def __init__(self, root: str):
        self.root = os.path.realpath(root)

    def _full(self, path: str) -> str:
        full = os.path.realpath(os.path.join(self.root, *[p for p in path.split("/") if p]))
        if full != self.root and not full.startswith(self.root + os.sep):
            raise ValueError(f"Invalid asset path '{path}': it leaves the assets directory.")
        return full

    def make(self, path: str) -> str:
        full = self._full(path)
        os.makedirs(full, exist_ok=True)
        return full

    def get(self, path: str) -> str | None:
        full = self._full(path)
        return full if os.path.isdir(full) else None


# -- saving ---------------------------------------------------------------------------------
def model_to_json_config(model: Any) -> str:
    """``config.json``'s text: the model's envelope, its compile config included."""
    try:
        return json.dumps(serialize_keras_object(model))
    except TypeError as e:
        raise TypeError(f"Cannot save model '{getattr(model, 'name', model)}': its config "
                        f"is not JSON-serializable: {e}") from e


def save_model(model: Any, filepath: str | os.PathLike, overwrite: bool = True) -> None:
    """Write ``model`` to a ``.keras`` file (atomically: a failed save leaves the previous
    file intact).

    >>> import os, tempfile
    >>> from ember import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> save_model(model, os.path.join(tempfile.mkdtemp(), "m.keras"))
    """
    filepath = os.fspath(filepath)
    if not filepath.endswith(".keras"):
        raise ValueError("Invalid `filepath` argument: expected a `.keras` extension. "
                         f"Received: filepath={filepath}")
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} already exists; pass overwrite=True to replace "
                              "it.")
    require_h5py()
    if not getattr(model, "built", True):
        warnings.warn("You are saving a model that has not yet been built. It might not "
                      "contain any weights yet. Consider building the model first by "
                      "calling it on some data.", stacklevel=2)
    config_json = model_to_json_config(model)
    metadata_json = json.dumps({
        "keras_version": KERAS_FORMAT_VERSION,
        "ember_version": _ember_version(),
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")})
    writer = WeightsWriter()
    with tempfile.TemporaryDirectory(prefix="ember-assets-") as assets_root:
        save_state(model, writer, AssetsDir(assets_root))
        weights = io.BytesIO()
        writer.write(weights)
        with atomic_write(filepath) as tmp:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
                zf.writestr(METADATA_FILENAME, metadata_json)
                zf.writestr(CONFIG_FILENAME, config_json)
                zf.writestr(WEIGHTS_FILENAME, weights.getvalue())
                for folder, _, files in sorted(os.walk(assets_root)):
                    for file in sorted(files):
                        full = os.path.join(folder, file)
                        rel = os.path.relpath(full, assets_root).replace(os.sep, "/")
                        zf.write(full, f"{ASSETS_DIRNAME}/{rel}")


def _ember_version() -> str:
    import ember
    return str(getattr(ember, "__version__", "unknown"))


# -- reading --------------------------------------------------------------------------------
def _check_member_name(name: str, source: str) -> None:
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":"):
        raise ValueError(f"Refusing to load '{source}': the archive member '{name}' has a "
                         "path that leaves the archive (absolute or with '..').")


def _check_member_size(info: zipfile.ZipInfo, source: str, archive_size: int) -> None:
    declared, stored = info.file_size, info.compress_size
    if stored > archive_size:
        raise ValueError(f"'{source}' is truncated or corrupt: member '{info.filename}' "
                         f"claims {stored} bytes but the file has only {archive_size}.")
    if info.compress_type == zipfile.ZIP_STORED and declared != stored:
        raise ValueError(f"'{source}' is corrupt: member '{info.filename}' is stored "
                         f"uncompressed but declares {declared} bytes for {stored} stored.")
    if declared > _BOMB_FLOOR_BYTES and declared > _MAX_EXPANSION * max(stored, 1):
        raise ValueError(f"Refusing to load '{source}': member '{info.filename}' declares "
                         f"{declared / 2**20:.0f} MiB but stores only {stored} bytes (a "
                         "possible decompression bomb).")


class KerasArchive:
    """A ``.keras`` zip opened for reading, with its members checked."""

    def __init__(self, filepath: str | os.PathLike):
        self.source = os.fspath(filepath)
        if not os.path.exists(self.source):
            raise FileNotFoundError(f"No such file: '{self.source}'")
        if os.path.isdir(self.source):
            raise ValueError(f"'{self.source}' is a directory, not a .keras file.")
        size = os.path.getsize(self.source)
        try:
            self.zf = zipfile.ZipFile(self.source, "r")
        except (zipfile.BadZipFile, OSError, EOFError) as e:
            raise ValueError(f"Cannot load '{self.source}': it is not a valid .keras file "
                             f"(not a readable zip archive; it may be truncated or "
                             f"corrupt): {e}") from None
        try:
            infos = self.zf.infolist()
            for info in infos:
                _check_member_name(info.filename, self.source)
                _check_member_size(info, self.source, size)
            self.names = {info.filename for info in infos}
            if CONFIG_FILENAME not in self.names:
                raise ValueError(f"Cannot load '{self.source}': the archive has no "
                                 f"'{CONFIG_FILENAME}' (members: {sorted(self.names)[:10]}); "
                                 "it is not a Keras 3 .keras file.")
        except BaseException:
            self.zf.close()
            raise

    def close(self) -> None:
        self.zf.close()

    def __enter__(self) -> KerasArchive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def read(self, name: str, limit: int | None = None) -> bytes:
        info = self.zf.getinfo(name)
        if limit is not None and info.file_size > limit:
            raise ValueError(f"Refusing to load '{self.source}': member '{name}' declares "
                             f"{info.file_size} bytes (more than the {limit} allowed).")
        try:
            return self.zf.read(name)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
            raise ValueError(f"Cannot load '{self.source}': member '{name}' cannot be read "
                             f"(the file may be truncated or corrupt): {e}") from None

    def config(self) -> dict:
        raw = self.read(CONFIG_FILENAME, limit=_JSON_MAX_BYTES)
        try:
            config = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ValueError(f"Cannot load '{self.source}': '{CONFIG_FILENAME}' is not valid "
                             f"JSON: {e}") from None
        if not isinstance(config, dict) or "class_name" not in config:
            raise ValueError(f"Cannot load '{self.source}': '{CONFIG_FILENAME}' is not a "
                             "Keras config envelope (a JSON object with 'class_name' and "
                             "'config').")
        return config

    def weights_reader(self) -> WeightsReader:
        if WEIGHTS_FILENAME not in self.names:
            other = " (model.weights.npz is not supported)" if \
                "model.weights.npz" in self.names else ""
            raise ValueError(f"Cannot load '{self.source}': the archive has no "
                             f"'{WEIGHTS_FILENAME}'{other}.")
        data = self.read(WEIGHTS_FILENAME)
        return WeightsReader(io.BytesIO(data), f"{self.source}:{WEIGHTS_FILENAME}")

    def extract_assets(self, target: str) -> bool:
        """Copy the ``assets/`` members under ``target``; False when there are none."""
        prefix = ASSETS_DIRNAME + "/"
        members = [n for n in self.names if n.startswith(prefix) and not n.endswith("/")]
        root = os.path.realpath(target)
        for name in members:
            dest = os.path.realpath(os.path.join(root, *name[len(prefix):].split("/")))
            if not dest.startswith(root + os.sep):
                raise ValueError(f"Refusing to load '{self.source}': asset member '{name}' "
                                 "leaves the assets directory.")
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as f:
                f.write(self.read(name))
        return bool(members)


def find_lambda(config: Any, where: str = "") -> str | None:
    """The config path of the first Python lambda saved as bytecode, or None."""
    if isinstance(config, dict):
        if config.get("class_name") == "__lambda__":
            return where or "<root>"
        label = config.get("name") if isinstance(config.get("name"), str) else None
        for key, value in config.items():
            found = find_lambda(value, f"{where}/{label or key}" if label and key == "config"
                                else f"{where}/{key}")
            if found:
                return found
    elif isinstance(config, list):
        for i, value in enumerate(config):
            found = find_lambda(value, f"{where}[{i}]")
            if found:
                return found
    return None


def check_safe_mode(config: dict, safe_mode: bool | None, source: str) -> None:
    """Refuse a config holding Python bytecode unless the caller allowed it."""
    from .. import config as keras_config
    if safe_mode is False or keras_config.is_unsafe_deserialization_enabled():
        return
    found = find_lambda(config)
    if found:
        raise ValueError(
            f"Refusing to load '{source}': it contains a Python lambda saved as bytecode "
            f"(at {found}), and loading it would mean running code from the file. This is "
            "disallowed by default (safe_mode=True). If you trust the file, pass "
            "`safe_mode=False` (or call `keras.config.enable_unsafe_deserialization()`) "
            "and give the function yourself with `custom_objects={'<lambda>': fn}`: Ember "
            "never executes bytecode stored in a file.")


def model_from_config_dict(config: dict, custom_objects: dict | None, compile: bool,
                           safe_mode: bool | None, source: str) -> Any:
    """Build (and compile, unless ``compile=False``) the model a config envelope
    describes; errors name ``source``."""
    check_safe_mode(config, safe_mode, source)
    if not compile:
        config = {k: v for k, v in config.items() if k != "compile_config"}
    try:
        with CustomObjectScope(custom_objects or {}):
            return deserialize_keras_object(config, custom_objects=custom_objects)
    except (TypeError, ValueError, KeyError) as e:
        raise type(e)(f"Cannot rebuild the model saved in '{source}': {e}") from e


def load_model(filepath: str | os.PathLike, custom_objects: dict | None = None,
               compile: bool = True, safe_mode: bool = True) -> Any:
    """Load a ``.keras`` file: the model, its weights, assets, and (when ``compile``)
    its compile config and optimizer state.

    >>> import os, tempfile
    >>> from ember import keras
    >>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
    >>> keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]).save(path)
    >>> load_model(path).count_params()
    3
    """
    require_h5py()
    with KerasArchive(filepath) as archive:
        config = archive.config()
        model = model_from_config_dict(config, custom_objects, compile, safe_mode,
                                       archive.source)
        with archive.weights_reader() as reader, \
                tempfile.TemporaryDirectory(prefix="ember-assets-") as assets_root:
            assets = AssetsDir(assets_root) if archive.extract_assets(assets_root) else None
            load_state(model, reader, assets)
    return model


def load_weights_from_archive(model: Any, filepath: str, skip_mismatch: bool = False) -> None:
    """``model.load_weights("m.keras")``: the weights (and optimizer state) of a
    ``.keras`` file, without its config."""
    with KerasArchive(filepath) as archive, archive.weights_reader() as reader:
        load_state(model, reader, None, skip_mismatch=skip_mismatch)

