# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""Training configuration: a YAML file plus `dotted.key=value` overrides from the command line."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from .cli import UserError


def load_config(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise UserError(f"config file {path} not found; pass CONFIG=configs/default.yaml or create it")
    config = read_yaml(path)
    if not isinstance(config, dict):
        raise UserError(f"{path} must be a YAML mapping of settings, like configs/default.yaml")
    return apply_overrides(config, overrides)


def read_yaml(path: Path, shown_as: str | None = None) -> Any:
    """Parse a YAML file; a syntax error becomes a one-line error naming the file and line."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise UserError(f"{shown_as or path} is not valid YAML{where}; fix the syntax there") from None


def apply_overrides(config: dict[str, Any], overrides: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """Return a copy of `config` with each `a.b=value` applied; the value is parsed as YAML."""
    config = copy.deepcopy(config)
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise UserError(f"override {item!r} must look like key=value, e.g. train.epochs=5")
        node = config
        *parents, leaf = key.split(".")
        for part in parents:
            if not isinstance(node.get(part), dict):
                raise UserError(f"override {item!r}: {part!r} is not a section of the config")
            node = node[part]
        if leaf not in node:
            known = ", ".join(sorted(node)) or "none"
            raise UserError(f"override {item!r}: unknown key {leaf!r} (known here: {known})")
        node[leaf] = parse_value(raw)
    return config


def parse_value(raw: str) -> Any:
    """YAML scalars, plus floats such as 1e-3 that YAML 1.1 would keep as strings."""
    value = yaml.safe_load(raw)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    return value
