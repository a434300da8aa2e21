# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""Checkpoints: which files make one, their hashes in the results files, and weights trained elsewhere.

A checkpoint is a folder (`save_pretrained`'s: weights, config, tokenizer or processor files, ...); release_api's
CHECKPOINT_FILES says which of its files belong to the release (all of them by default). `make eval` records every
one's sha256 in results/metrics.json (`checkpoint_fields`), and staging copies exactly those files, checked against
the hashes. `make import-checkpoint SRC=<folder | repo_id[@revision]>` brings in a checkpoint trained elsewhere,
with an honest run.json: where it came from and each file's hash, no invented training facts.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .cli import UserError, run
from .contract import Contract
from .files import atomic_directory, display_path, point_symlink, select_files, sha256_file

RUN_RECORD = "run.json"
WEIGHTS = "model.safetensors"
CHECKPOINTS = Path("checkpoints")
REPO_SOURCE = "a Hub repository id like my-lab/my-model, optionally @revision (a tag or commit)"


def checkpoint_fields(checkpoint: str | Path, patterns: tuple[str, ...] | list[str] = ("*",)) -> dict[str, Any]:
    """What a results file records about the checkpoint it was computed on: its folder, the weights' sha256 and
    every file's sha256 (pass release_api.CHECKPOINT_FILES as `patterns`), so staging can bind them all."""
    folder = Path(checkpoint)
    files = select_files(folder, patterns)
    fields: dict[str, Any] = {"checkpoint": display_path(folder)}
    if (folder / WEIGHTS).is_file():
        fields["checkpoint_sha256"] = sha256_file(folder / WEIGHTS)
    fields["checkpoint_files"] = {name: sha256_file(path) for name, path in files.items()}
    return fields


def bound_files(checkpoint: Path, recorded: dict[str, str] | None, contract: Contract) -> dict[str, Path]:
    """The checkpoint files to stage, each checked against the hash results/metrics.json recorded (`recorded`: its
    checkpoint_files)."""
    files = contract.checkpoint_files(checkpoint)
    for path in files.values():
        if path.is_symlink():
            raise UserError(f"{path} is a symbolic link; a release never follows links: copy the file in")
    if recorded is None:  # results written before checkpoint_files existed: the weights bind it
        return files
    missing = sorted(set(recorded) - set(files))
    if missing:
        raise UserError(
            f"{checkpoint} lacks {', '.join(missing[:3])}, which `make eval` recorded; run `make eval` again"
        )
    changed = sorted(name for name in recorded if sha256_file(files[name]) != recorded[name])
    if changed:
        raise UserError(
            f"{checkpoint}/{changed[0]} differs from the file results/metrics.json was computed with; run `make eval` again"
        )
    extra = sorted(set(files) - set(recorded))
    if extra:
        raise UserError(
            f"{checkpoint}/{extra[0]} was added after `make eval`; run `make eval` again so the results cover it"
        )
    return files


# ---------------------------------------------------------------- make import-checkpoint


def copy_checkpoint(source: Path, target: Path) -> dict[str, str]:
    """Copy every file of `source` (no links, no card: the release renders its own) and return their sha256."""
    hashes = {}
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source).as_posix()
        if path.is_symlink() and not path.resolve().is_relative_to(source.resolve()):
            raise UserError(f"{path} is a symbolic link out of {source}; copy the real files into one folder first")
        if not path.is_file() or relative in ("README.md", RUN_RECORD) or relative.startswith(".cache/"):
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / relative)
        hashes[relative] = sha256_file(target / relative)
    if not hashes:
        raise UserError(f"{source} holds no files; give the folder save_pretrained wrote")
    return hashes


def from_hub(spec: str, workdir: Path) -> tuple[Path, dict[str, Any]]:
    """Download `repo_id[@revision]` into `workdir`; returns the folder and where it came from."""
    from huggingface_hub import HfApi, snapshot_download

    from .hub import hub_call

    repo_id, _, revision = spec.partition("@")
    token = os.environ.get("HF_TOKEN") or None
    with hub_call(f"downloading {repo_id}" + (f" at {revision}" if revision else ""), token):
        info = HfApi(token=token).model_info(repo_id, revision=revision or None)
        folder = snapshot_download(repo_id, revision=info.sha, local_dir=workdir / "download", token=token)
    return Path(folder), {"repo": repo_id, "revision": revision or "main", "commit": info.sha}


def import_checkpoint(spec: str, root: Path = Path("."), name: str | None = None) -> Path:
    """`make import-checkpoint SRC=...`: checkpoints/<name>/ with every file and an honest run.json."""
    # Only this command writes a run record: research code that imports checkpoint_fields (make eval, the demo
    # Space's evaluation) does not load the git and provenance helpers.
    from .run_record import imported_record, write_run_record

    spec = spec.strip()
    if not spec:
        raise UserError(f"no SRC given; run make import-checkpoint SRC=<checkpoint folder or {REPO_SOURCE}>")
    root = Path(root)
    local = Path(spec).expanduser()
    with tempfile.TemporaryDirectory(prefix="import-checkpoint-") as tmp:
        if local.is_dir():
            # The folder's name, not its path: run.json is published, and check-release refuses a path of this
            # machine in it; each file's sha256 identifies what was imported.
            source, origin = local, {"folder": local.resolve().name}
        elif "/" in spec and not local.exists() and not spec.startswith((".", "/", "~")):
            source, origin = from_hub(spec, Path(tmp))
        else:
            raise UserError(f"SRC={spec} is neither a folder nor {REPO_SOURCE}")
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        name = name or f"imported-{(origin.get('repo') or local.resolve().name).replace('/', '--')}-{stamp}"
        target = root / CHECKPOINTS / name
        if target.exists():
            raise UserError(f"{target} already exists; pass NAME=<another name>")
        with atomic_directory(target) as staging:
            write_run_record(staging, imported_record(origin, copy_checkpoint(source, staging), root))
    point_symlink(root / CHECKPOINTS / "latest", name)
    return target


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description="Import a checkpoint trained elsewhere into checkpoints/<name>/.")
    parser.add_argument("source", nargs="?", default="", help=f"a checkpoint folder, or {REPO_SOURCE}")
    parser.add_argument("--name", default=None, help="folder name under checkpoints/ (default: from the source)")
    args = parser.parse_args(argv)
    target = run(lambda: import_checkpoint(args.source, Path("."), args.name or None), unexpected="import-checkpoint")
    count = sum(1 for p in target.rglob("*") if p.is_file())
    print(
        f"{target}: {count} files (run.json records the source and every file's sha256); checkpoints/latest points at it"
    )
    print("next: make eval (and make benchmark) on it, then make stage")
    return target


if __name__ == "__main__":
    main()
