"""Upgrade Keras 2 configs (from legacy ``.h5`` files) to the Keras 3 layout Ember
reads: functional ``inbound_nodes`` lists become ``{"args", "kwargs"}`` nodes, mixed
precision ``Policy`` envelopes become dtype names.

>>> old = {"class_name": "Dense", "name": "d", "config": {"units": 2},
...        "inbound_nodes": [[["input_1", 0, 0, {}]]]}
>>> upgrade_config(old)["inbound_nodes"][0]["args"][0]["config"]["keras_history"]
['input_1', 0, 0]
"""
from __future__ import annotations

from typing import Any


def _tensor_ref(entry: list) -> dict:
    name, node_index, tensor_index = entry[0], entry[1], entry[2]
    return {"class_name": "__keras_tensor__",
            "config": {"shape": None, "dtype": None,
                       "keras_history": [name, node_index, tensor_index]}}


def _upgrade_node(node: Any) -> Any:
    """One Keras 2 node ``[[name, node, tensor, kwargs], ...]`` as a Keras 3 node."""
    if isinstance(node, dict):
        return node
    entries = [e for e in node if isinstance(e, list) and len(e) >= 3]
    if not entries:
        return {"args": [], "kwargs": {}}
    refs = [_tensor_ref(e) for e in entries]
    kwargs = entries[0][3] if len(entries[0]) > 3 and isinstance(entries[0][3], dict) \
        else {}
    return {"args": [refs[0]] if len(refs) == 1 else [refs], "kwargs": upgrade_config(kwargs)}


def upgrade_config(config: Any) -> Any:
    """A copy of ``config`` with every Keras 2-only structure in Keras 3 form."""
    if isinstance(config, list):
        return [upgrade_config(c) for c in config]
    if not isinstance(config, dict):
        return config
    if config.get("class_name") == "Policy" and isinstance(config.get("config"), dict):
        return config["config"].get("name", "float32")
    out = {}
    for key, value in config.items():
        if key == "inbound_nodes" and isinstance(value, list):
            out[key] = [_upgrade_node(n) for n in value]
        else:
            out[key] = upgrade_config(value)
    return out
