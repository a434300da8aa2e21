# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""The data manifest: `data/manifest.json` lists each data file with its sha256, size and row count.

`run.json` and `results/metrics.json` record these checksums, so a number can be traced back
to the exact bytes it was computed on.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .cli import UserError
from .files import atomic_write_json, sha256_file

MANIFEST = "manifest.json"
EXAMPLES = "examples"
REBUILD = "run `make data` to recreate it"


def combined_checksum(files: dict[str, dict[str, Any]]) -> str:
    """One checksum for the whole dataset: sha256 over the sorted `name sha256` lines."""
    lines = "".join(f"{name} {files[name]['sha256']}\n" for name in sorted(files))
    return hashlib.sha256(lines.encode()).hexdigest()


def write_manifest(data_dir: Path, rows: dict[str, int], **about: Any) -> dict[str, Any]:
    """Checksum the files named in `rows` (file name -> row count), and the example inputs in `examples/` (the
    demo ships them), and write the manifest last."""
    files = {
        name: {"sha256": sha256_file(data_dir / name), "bytes": (data_dir / name).stat().st_size, "rows": count}
        for name, count in sorted(rows.items())
    }
    manifest = {**about, "files": files, "checksum": combined_checksum(files), **example_hashes(data_dir)}
    atomic_write_json(data_dir / MANIFEST, manifest)
    return manifest


def example_hashes(data_dir: Path) -> dict[str, dict[str, str]]:
    """{"examples": {file name: sha256}} for the files in data/examples/ (empty when there are none)."""
    folder = data_dir / EXAMPLES
    examples = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    return {"examples": {p.name: sha256_file(p) for p in examples}} if examples else {}


def record_examples(data_dir: Path) -> dict[str, Any]:
    """Record the example inputs the research code wrote in the manifest (`make data` runs this after your
    data.py, so a data.py that writes its examples after the manifest still gets them bound by hash)."""
    manifest = read_manifest(data_dir)
    manifest.pop("examples", None)
    manifest.update(example_hashes(data_dir))
    atomic_write_json(data_dir / MANIFEST, manifest)
    return manifest


def read_manifest(data_dir: Path) -> dict[str, Any]:
    path = data_dir / MANIFEST
    if not path.is_file():
        raise UserError(f"{path} not found; {REBUILD}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["files"], manifest["checksum"]
    except (ValueError, KeyError, TypeError):
        raise UserError(f"{path} is not a valid data manifest; {REBUILD}") from None
    return manifest


def verified_file(
    data_dir: Path, name: str, section: str = "files", manifest: dict[str, Any] | None = None
) -> tuple[Path, str]:
    """Path and sha256 of a data file (or, with section="examples", an example input), checked against the manifest
    (`manifest`, when the caller has read it already)."""
    manifest = manifest if manifest is not None else read_manifest(data_dir)
    path = data_dir / (name if section == "files" else f"{EXAMPLES}/{name}")
    if path.is_symlink() or data_dir.is_symlink():
        raise UserError(f"{path} is a symbolic link; data is released from real files: {REBUILD}")
    if not path.is_file():
        raise UserError(f"{path} not found; {REBUILD}")
    entry = (manifest.get(section) or {}).get(name)
    expected = entry.get("sha256") if isinstance(entry, dict) else entry
    if expected is None:
        raise UserError(f"{path} is not listed in {data_dir / MANIFEST}; {REBUILD}")
    actual = sha256_file(path)
    if actual != expected:
        raise UserError(f"{path} does not match its checksum in {data_dir / MANIFEST} (corrupt or edited); {REBUILD}")
    return path, actual


def main(argv: list[str] | None = None) -> dict[str, Any]:
    import argparse

    from .cli import run

    parser = argparse.ArgumentParser(description="Record data/examples/ in data/manifest.json (make data runs it).")
    parser.add_argument("data_dir", nargs="?", default="data", help="data folder (default: %(default)s)")
    args = parser.parse_args(argv)
    manifest = run(lambda: record_examples(Path(args.data_dir)))
    print(f"{args.data_dir}/manifest.json: {len(manifest.get('examples') or {})} example inputs recorded")
    return manifest


if __name__ == "__main__":
    main()
