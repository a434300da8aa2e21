# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""Secrets in files: detect-secrets' detectors plus the Hugging Face token pattern. Hits name the file, the line
and the kind of secret, never the value.

The high-entropy detectors are left out on purpose: a release is full of sha256 checksums and commit ids,
which look exactly like random keys.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .cli import UserError
from .files import atomic_write_json, sha256_file

HF_TOKEN = re.compile(rb"hf_[A-Za-z0-9]{30,}")
PRIVATE_KEY = re.compile(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----")
# Patterns that matter in binary files too (weights, parquet, images), where detect-secrets reads no lines.
BINARY_PATTERNS = {"Hugging Face token": HF_TOKEN, "Private Key": PRIVATE_KEY}
UNUSED_DETECTORS = {"HexHighEntropyString", "Base64HighEntropyString", "IPPublicDetector"}
FIX = "remove it, revoke it where it was issued, and keep secrets out of the repository (tokens in HF_TOKEN or the Hub login cache)"


@dataclass(frozen=True)
class Hit:
    file: str  # as shown to the user
    line: int
    kind: str

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: {self.kind}"


def _detect_secrets_settings() -> dict:
    try:
        from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    except ImportError:
        raise UserError(
            "detect-secrets is not installed, so files cannot be checked for secrets; run make setup"
        ) from None
    names = sorted(c.__name__ for c in get_mapping_from_secret_type_to_class().values())
    return {"plugins_used": [{"name": name} for name in names if name not in UNUSED_DETECTORS]}


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _scan_contents(paths: dict[str, Path]) -> dict[str, list[tuple[int, str]]]:
    """sha256 -> [(line, kind)] for files not scanned before."""
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import transient_settings

    found: dict[str, set[tuple[int, str]]] = {}
    texts = {}
    for digest, path in paths.items():
        data = path.read_bytes()
        found[digest] = {
            (_line_of(data, m.start()), kind)
            for kind, pattern in BINARY_PATTERNS.items()
            for m in pattern.finditer(data)
        }
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # binary: only the byte patterns above apply
        texts[str(path)] = digest
    if texts:
        with transient_settings(_detect_secrets_settings()):
            collection = SecretsCollection()
            for path in texts:
                collection.scan_file(path)
        for filename, secrets in collection.json().items():
            digest = texts.get(filename)
            if digest is not None:
                found[digest].update((int(s["line_number"]), str(s["type"])) for s in secrets)
    return {digest: sorted(hits) for digest, hits in found.items()}


def scan(files: dict[str, Path], cache: Path | None = None) -> list[Hit]:
    """Every secret found in `files` (shown name -> path), in file order. Results are kept in `cache`/secrets.json
    by each file's sha256, so an unchanged file is scanned once."""
    digests = {shown: sha256_file(path) for shown, path in files.items()}
    store = cache / "secrets.json" if cache else None
    known: dict[str, list] = {}
    if store is not None and store.is_file():
        try:
            known = json.loads(store.read_text(encoding="utf-8"))
        except ValueError:
            known = {}
    todo = {digests[shown]: path for shown, path in files.items() if digests[shown] not in known}
    if todo:
        known.update(_scan_contents(todo))
        if store is not None:
            atomic_write_json(store, known)
    hits = [Hit(shown, line, kind) for shown in files for line, kind in known.get(digests[shown], [])]
    return sorted(set(hits), key=lambda h: (list(files).index(h.file), h.line, h.kind))


def describe(hits: list[Hit], limit: int = 5) -> str:
    shown = "; ".join(str(hit) for hit in hits[:limit])
    more = f" (and {len(hits) - limit} more)" if len(hits) > limit else ""
    return f"{shown}{more}"
