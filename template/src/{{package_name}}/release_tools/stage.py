# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""`make stage`: stage build/release/ exactly as it will be uploaded, and refresh README.md and CITATION.cff.

Inputs: what git tracks (release.yaml, card templates, the demo app and the code it imports, page inputs),
and the artifacts the code wrote, bound by their hashes: results/metrics.json and results/benchmark.json, the
evaluated checkpoint (its weights hash is in metrics.json), data/ (data/manifest.json). Untracked and ignored
files are never staged, and a symbolic link on the way to any input is refused. Outputs:
build/release/{model,dataset,demo,page}/ with their cards, build/release/ANNOUNCEMENT.md, README.md blocks,
CITATION.cff. The staging directory appears whole or not at all, and one release command runs at a time.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pyarrow.parquet as pq

from .cards import common_context, render_dataset_card, render_model_card
from .checkpoint import bound_files
from .citation import citation_cff
from .cli import UserError, run
from .contract import Contract, load_contract
from .files import atomic_directory, atomic_write_text, read_text, sha256_file
from .gitrepo import TrackedTree, refuse_links
from .lock import release_lock
from .manifest import read_manifest, verified_file
from .page import page_inputs, page_notes, write_page
from .paper_numbers import NumberInputs, paper_folder, write_numbers
from .readme_blocks import render_readme
from .release_file import RELEASE_FILE, Release
from .results import BENCHMARK_FILE, METRICS_FILE, Benchmark, Metrics
from .run_record import RunRecord
from .space import stage_space

BUILD = Path("build/release")
# What make arxiv writes beside the Hub artifacts: the package folder, its tarball and the compiled PDF.
ARXIV_OUTPUTS = ("arxiv", "arxiv.tar.gz", "arxiv.pdf")
ANNOUNCEMENT_TEMPLATE = "cards/announcement.md.j2"
CARD_TEMPLATES = ("cards/model_card.md.j2", "cards/dataset_card.md.j2", ANNOUNCEMENT_TEMPLATE)
RESULTS = (METRICS_FILE, BENCHMARK_FILE)


@dataclass(frozen=True)
class StageInputs:
    """Everything a release is rendered from, each file read once and checked: release.yaml, the results, the
    evaluated checkpoint (its files bound by hash) with its run record, and the data manifest."""

    tree: TrackedTree
    contract: Contract
    release: Release
    metrics: Metrics
    benchmark: Benchmark
    checkpoint: Path
    checkpoint_files: dict[str, Path]
    run: RunRecord
    data_dir: Path
    manifest: dict[str, Any]


def evaluated_checkpoint(root: Path, metrics: Metrics) -> Path:
    """The checkpoint folder results/metrics.json was computed on (inside the project, reached without links)."""
    name = metrics.checkpoint
    if not name or Path(name).is_absolute() or ".." in Path(name).parts:
        raise UserError(
            f"results/metrics.json: field 'checkpoint' ({name or None}) must be a checkpoint folder inside the project; run `make eval`"
        )
    checkpoint = refuse_links(root, name)
    if not checkpoint.is_dir():
        raise UserError(
            f"results/metrics.json: field 'checkpoint' ({name}) is not a folder; run `make eval` on an existing checkpoint"
        )
    if metrics.checkpoint_files is None:  # results written before every file was hashed: the weights bind it
        weights = checkpoint / "model.safetensors"
        if weights.is_symlink() or not weights.is_file():
            raise UserError(f"{name}/model.safetensors is missing or a link; run `make eval` on an existing checkpoint")
        if sha256_file(weights) != metrics.checkpoint_sha256:
            raise UserError(
                f"{weights} differs from the weights results/metrics.json was computed on; run `make eval` again"
            )
    return checkpoint


def load_inputs(root: Path, tree: TrackedTree | None = None, release: Release | None = None) -> StageInputs:
    """Read and check every input (`release`: release.yaml, when the caller has read it already)."""
    tree = tree or TrackedTree(root)
    tree.file(RELEASE_FILE)
    release = release or Release.load(root)
    for name in RESULTS:
        refuse_links(root, name)
    metrics = Metrics.load(root)
    benchmark = Benchmark.load(root)
    contract = load_contract(release.package)
    contract.require_complete()
    checkpoint = evaluated_checkpoint(root, metrics)
    checkpoint_files = bound_files(checkpoint, metrics.checkpoint_files, contract)
    run_record = RunRecord.load(checkpoint)
    data_dir = refuse_links(root, "data")
    manifest = read_manifest(data_dir)
    if not isinstance(manifest["files"], dict) or not manifest["files"]:
        raise UserError(
            f"{data_dir / 'manifest.json'} lists no data files, so the dataset would be empty; run `make data`"
        )
    return StageInputs(
        tree, contract, release, metrics, benchmark, checkpoint, checkpoint_files, run_record, data_dir, manifest
    )


def stage_model(inputs: StageInputs, target: Path, root: Path) -> None:
    """Every checkpoint file release_api.CHECKPOINT_FILES selects (weights, config, tokenizer, TensorBoard logs,
    run.json), each checked against its hash, and the model card."""
    target.mkdir()
    for name, source in inputs.checkpoint_files.items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target / name)
    card = render_model_card(root, inputs.release, inputs.metrics, inputs.benchmark, inputs.run, inputs.manifest)
    atomic_write_text(target / "README.md", str(card))


def split_order(file_name: str) -> tuple[int, str]:
    """train, validation, test first, in that order; other splits after them by name."""
    order = {"train": 0, "validation": 1, "test": 2}
    return order.get(Path(file_name).stem, 3), file_name


def staged_split_rows(data_dir: Path) -> dict[str, int]:
    """Split name -> row count, read from the staged parquet files themselves, in split order."""
    return {name: rows for name, (rows, _) in staged_splits(data_dir).items()}


def staged_splits(data_dir: Path) -> dict[str, tuple[int, int]]:
    """Split name -> (rows, uncompressed bytes) from the staged parquet files' metadata, in split order."""
    files = sorted(data_dir.glob("*.parquet"), key=lambda p: split_order(p.name)) if data_dir.is_dir() else []
    found = {}
    for path in files:
        metadata = pq.ParquetFile(path).metadata
        size = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
        found[path.stem] = (metadata.num_rows, size)
    return found


def stage_dataset(inputs: StageInputs, target: Path, root: Path) -> None:
    (target / "data").mkdir(parents=True)
    for name in inputs.manifest["files"]:
        source, _ = verified_file(inputs.data_dir, name, manifest=inputs.manifest)
        shutil.copyfile(source, target / "data" / name)
    splits = staged_splits(target / "data")
    card = render_dataset_card(
        root,
        inputs.release,
        {name: rows for name, (rows, _) in splits.items()},
        inputs.manifest,
        {name: size for name, (_, size) in splits.items()},
    )
    atomic_write_text(target / "README.md", str(card))


def render_announcement(tree: TrackedTree, release: Release, metrics: Metrics) -> str:
    source = tree.file(ANNOUNCEMENT_TEMPLATE)
    template = jinja2.Template(read_text(source, ANNOUNCEMENT_TEMPLATE), keep_trailing_newline=True)
    name, value = metrics.headline
    return template.render(
        headline_metric=name,
        headline_value=f"{value:.4f}",
        metrics=metrics.as_dict(),
        **common_context(release),
    )


def stage_license_file(tree: TrackedTree, release: Release, kind: str, target: Path) -> None:
    """A custom (`other`) license linked as a file name must travel with the repository it licenses."""
    custom = release.license.custom(kind)
    link = custom[1] if custom else None
    if link and not link.startswith("https://"):
        if not (tree.root / link).is_file() and not tree.has(link):
            raise UserError(
                f"release.yaml: license.{kind}_link names {link}, which does not exist; add the license text there or link a URL"
            )
        tree.copy(link, target / link)


def staged_examples(inputs: StageInputs, root: Path) -> list[Path]:
    """The example inputs release_api.EXAMPLES names: produced ones (under data/) checked against the hashes
    data/manifest.json recorded, others only if git tracks them."""
    data_dir = inputs.data_dir.resolve()
    examples = []
    for path in inputs.contract.example_files(root):
        relative = path.relative_to(root).as_posix()
        if path.resolve().is_relative_to(data_dir) and relative.startswith("data/examples/"):
            examples.append(verified_file(inputs.data_dir, path.name, "examples", inputs.manifest)[0])
        else:
            examples.append(inputs.tree.file(relative))
    return examples


def carry_over(old: Path, staging: Path) -> None:
    """`make stage` rebuilds build/release/ from scratch; the arXiv package built before stays (check-release says
    when its numbers are out of date)."""
    for name in ARXIV_OUTPUTS:
        if (old / name).is_dir() and not (old / name).is_symlink():
            shutil.copytree(old / name, staging / name, symlinks=True)
        elif (old / name).is_file() and not (old / name).is_symlink():
            shutil.copyfile(old / name, staging / name)


def build_release(
    root: Path = Path("."), out: Path | None = None, *, documents: bool = True, inputs: StageInputs | None = None
) -> Path:
    """Render every artifact; returns the staged release directory. `documents=False` leaves README.md and
    CITATION.cff alone (make publish-plan renders into a temporary folder and writes nothing in the project).
    `inputs`: what the caller has read already (make link-paper)."""
    root = Path(root)
    out = Path(out) if out else root / BUILD
    with release_lock(root, "make stage"):
        tree = TrackedTree(root)
        for template in CARD_TEMPLATES:
            if not (root / template).is_file() and not tree.has(template):
                raise UserError(f"{template} not found; restore the card template from git (it holds your card prose)")
            tree.file(template)
        inputs = inputs or load_inputs(root, tree)
        release = inputs.release
        page = page_inputs(tree, release, inputs.metrics, inputs.benchmark)
        with atomic_directory(out) as staging:
            stage_model(inputs, staging / "model", root)
            stage_dataset(inputs, staging / "dataset", root)
            stage_space(tree, release, staging / "demo", staged_examples(inputs, root))
            (staging / "page").mkdir()
            write_page(page, staging / "page")
            stage_license_file(tree, release, "model", staging / "model")
            stage_license_file(tree, release, "data", staging / "dataset")
            atomic_write_text(staging / "ANNOUNCEMENT.md", render_announcement(tree, release, inputs.metrics))
            carry_over(out, staging)
        if documents:
            render_documents(root, release, inputs.metrics, inputs.benchmark)
            if paper_folder(root).is_dir():
                numbers = NumberInputs.of(release, inputs.metrics, inputs.benchmark, inputs.manifest)
                write_numbers(paper_folder(root), numbers)
    for note in page_notes(page):
        print(f"note: {note}", file=sys.stderr)
    return out


def render_documents(root: Path, release: Release, metrics: Metrics | None, benchmark: Benchmark | None) -> None:
    """README.md blocks and CITATION.cff; both are rendered before either is written."""
    readme = render_readme(read_text(root / "README.md", "README.md"), release, metrics, benchmark)
    citation = citation_cff(release, release.artifact_links["model"])
    atomic_write_text(root / "README.md", readme)
    atomic_write_text(root / "CITATION.cff", citation)


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description="Render cards, README blocks and CITATION.cff; stage build/release/.")
    parser.add_argument("--root", default=".", help="project root (default: current directory)")
    parser.add_argument("--print-announcement", action="store_true", help="print ANNOUNCEMENT.md when done")
    args = parser.parse_args(argv)
    out = run(lambda: build_release(Path(args.root)))
    for path in sorted(p for p in out.rglob("*") if p.is_file() and "logs" not in p.parts):
        print(f"{path.relative_to(Path(args.root))}  {path.stat().st_size:,} bytes")
    print("updated README.md (links, results, speed, citation) and CITATION.cff")
    if args.print_announcement:
        print("\n" + (out / "ANNOUNCEMENT.md").read_text(encoding="utf-8"))
    return out


if __name__ == "__main__":
    main()
