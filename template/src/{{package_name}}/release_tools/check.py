# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""`make check-release`: the release checklist, offline. One line per item, ✓ or ✗ with the fix; ⚠ only warns.

Runs on what `make stage` staged in build/release/, before anything is uploaded: metadata, links and drift
checks on the rendered files, secrets in every file to publish, and behaviour checks that use the staged
release as its users will, in fresh processes (release_tools.behaviour). `make publish` refuses on any ✗.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml
from huggingface_hub import DatasetCard, ModelCard

from . import secrets_scan
from .behaviour import Expected, Folders, check_behaviour
from .cards import HUB_LIBRARIES, MIXIN_TAGS, eval_results, expected_splits, render_dataset_card, render_model_card
from .checklist import Item, ok_or
from .citation import citation_cff
from .cli import UserError, run
from .contract import Contract, load_contract, pipeline_input
from .files import sha256_file
from .gitrepo import SYMLINK_MODE, TrackedTree, tree_state
from .lock import release_lock
from .paper_check import check_paper
from .paper_numbers import NumberInputs
from .readme_blocks import render_readme
from .release_file import (
    PIPELINE_TAGS,
    RELEASE_FILE,
    Release,
    parse_release_text,
    release_problems,
    shown,
)
from .results import Metrics
from .run_record import RunRecord
from .space import space_card
from .stage import BUILD, StageInputs, load_inputs, staged_splits

CHECKS_CACHE = Path("build") / ".checks"  # results of the slow checks, by the hashes of what they read
CONFLICT = re.compile(r"^(<{7} |={7}$|>{7} )", re.M)
SPLIT_NAME = re.compile(r"^\w+(\.\w+)*$")
SKIP_DIRS = {
    ".git",
    ".venv",
    "venv",
    "data",
    "checkpoints",
    "build",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "node_modules",
}
RERENDER = "run `make stage`"


def project_files(root: Path) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not SKIP_DIRS.intersection(path.relative_to(root).parts[:-1]):
            found.append(path)
    return sorted(found)


def linked_file_exists(root: Path, link: str) -> bool:
    try:
        return (root / link).is_file()
    except OSError:  # a name the file system cannot hold (too long, say) names no file
        return False


def check_licenses(data: Mapping[str, Any], root: Path) -> Item:
    """release.yaml's licenses, on the mapping as written: this item is shown even when other fields are invalid."""
    problems = [p for p in release_problems(data) if "'license." in p]
    lic = data.get("license") if isinstance(data.get("license"), dict) else {}
    for kind in ("model", "data"):
        link = lic.get(f"{kind}_link")
        if lic.get(kind) == "other" and isinstance(link, str) and not link.startswith("http"):
            if any(f"'license.{kind}_link'" in problem for problem in problems) or linked_file_exists(root, link):
                continue  # not a file name (said above), or the license text is there
            problems.append(
                f"license.{kind}_link names {link}, which does not exist; add the license text there or link a URL"
            )
    return ok_or(
        "licenses set for code, weights and data",
        problems,
        f"code {lic.get('code')}, weights {lic.get('model')}, data {lic.get('data')}",
    )


def check_model_metadata(model_dir: Path, card: ModelCard) -> Item:
    problems = []
    if not card.data.pipeline_tag:
        problems.append(f"the model card has no pipeline_tag; set model.pipeline_tag in {RELEASE_FILE} and {RERENDER}")
    library = card.data.library_name
    if library and library not in HUB_LIBRARIES:
        problems.append(
            f"model.library_name {shown(library)} is not a library the Hub knows (the model page would show no library "
            f"and no usage snippet); remove it from {RELEASE_FILE} for a model saved with PyTorchModelHubMixin (its tags "
            f"model_hub_mixin and pytorch_model_hub_mixin say how it loads), or use one of the Hub's: "
            f"{', '.join(sorted(HUB_LIBRARIES)[:8])}, ..."
        )
    tags = set(card.data.tags or [])
    if not library and not tags & MIXIN_TAGS:
        problems.append(
            f"the model card names no library and no model_hub_mixin tag; add model.library_name or the tags "
            f"{', '.join(sorted(MIXIN_TAGS))} to model.tags in {RELEASE_FILE}"
        )
    if not (model_dir / "config.json").is_file():
        problems.append(
            f"{model_dir / 'config.json'} is missing next to the weights (the Hub counts downloads by it); {RERENDER}"
        )
    return ok_or(
        "pipeline_tag, a library the Hub knows (or the mixin's tags) and config.json next to the weights", problems
    )


def check_model_index(release: Release, metrics: Metrics, card: ModelCard) -> Item:
    expected = [(r.metric_type, r.metric_value, r.dataset_split) for r in eval_results(release, metrics)]
    actual = [(r.metric_type, r.metric_value, r.dataset_split) for r in (card.data.eval_results or [])]
    detail = "the model card's model-index differs from results/metrics.json; " + RERENDER
    return ok_or(
        "model-index equals results/metrics.json",
        [] if expected == actual else [detail],
        ", ".join(f"{t} {v:.4f}" for t, v, _ in actual),
    )


def check_dataset_configs(dataset_dir: Path, card: DatasetCard) -> Item:
    problems = []
    configs = getattr(card.data, "configs", None) or []
    if not configs:
        problems.append(f"the dataset card has no configs; {RERENDER}")
    for config in configs:
        for entry in config.get("data_files", []):
            if not SPLIT_NAME.match(str(entry.get("split", ""))):
                problems.append(f"split name {entry.get('split')!r} is not valid on the Hub (letters, digits, _ and .)")
            if not (dataset_dir / entry.get("path", "")).is_file():
                problems.append(
                    f"data file {entry.get('path')} of split {entry.get('split')} is not staged; {RERENDER}"
                )
    return ok_or("dataset card configs point at staged files with valid split names", problems)


def artifact_texts(root: Path, build: Path) -> dict[str, str]:
    texts = {
        "README.md": root / "README.md",
        "model card": build / "model" / "README.md",
        "dataset card": build / "dataset" / "README.md",
        "demo Space card": build / "demo" / "README.md",
    }
    page = build / "page" / "index.html"
    if page.is_file():
        texts["project page"] = page
    return {
        name: path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        for name, path in texts.items()
    }


def check_paper_links(release: Release, root: Path, texts: dict[str, str]) -> Item:
    arxiv = release.arxiv_id
    if not arxiv:
        return Item("paper linked everywhere", "ok", "no arXiv id yet (`make link-paper ARXIV=<id>` adds it)")
    url = f"arxiv.org/abs/{arxiv}"
    missing = [name for name, text in texts.items() if url not in text]
    citation = (
        (root / "CITATION.cff").read_text(encoding="utf-8", errors="replace")
        if (root / "CITATION.cff").is_file()
        else ""
    )
    if url not in citation:
        missing.append("CITATION.cff")
    problems = [f"{', '.join(missing)} do not link {url}; {RERENDER}"] if missing else []
    return ok_or("paper linked everywhere", problems, url)


def check_cross_links(release: Release, texts: dict[str, str]) -> Item:
    links = {k: v for k, v in release.artifact_links.items() if v and k != "paper"}
    own = {"model card": "model", "dataset card": "dataset", "demo Space card": "demo", "project page": "page"}
    problems = []
    for name, text in texts.items():
        missing = [kind for kind, url in links.items() if kind != own.get(name) and url not in text]
        if missing:
            problems.append(f"{name} lacks links to {', '.join(missing)}")
    if problems:
        problems[-1] += f"; {RERENDER}"
    return ok_or("every artifact links to every other", problems)


def check_drift(root: Path, build: Path, inputs: StageInputs) -> Item:
    """Re-render in memory and compare with what is on disk."""
    release, metrics, problems = inputs.release, inputs.metrics, []
    readme = (root / "README.md").read_text(encoding="utf-8", errors="replace")
    if render_readme(readme, release, metrics, inputs.benchmark) != readme:
        problems.append("README.md blocks")
    citation = (
        (root / "CITATION.cff").read_text(encoding="utf-8", errors="replace")
        if (root / "CITATION.cff").is_file()
        else ""
    )
    if citation_cff(release, release.artifact_links["model"]) != citation:
        problems.append("CITATION.cff")
    model_card = build / "model" / "README.md"
    if not model_card.is_file() or str(
        render_model_card(root, release, metrics, inputs.benchmark, inputs.run, inputs.manifest)
    ) != model_card.read_text(encoding="utf-8"):
        problems.append("model card")
    staged = build / "dataset" / "data"
    splits = staged_splits(staged)
    split_rows = {name: rows for name, (rows, _) in splits.items()}
    split_bytes = {name: size for name, (_, size) in splits.items()}
    dataset_card = build / "dataset" / "README.md"
    if not dataset_card.is_file() or str(
        render_dataset_card(root, release, split_rows, inputs.manifest, split_bytes)
    ) != dataset_card.read_text(encoding="utf-8"):
        problems.append("dataset card")
    space_readme = build / "demo" / "README.md"
    if not space_readme.is_file() or str(space_card(release)) != space_readme.read_text(encoding="utf-8"):
        problems.append("demo Space card")
    if metrics.checkpoint_files is not None:
        for name, digest in metrics.checkpoint_files.items():
            staged_file = build / "model" / name
            if not staged_file.is_file() or sha256_file(staged_file) != digest:
                problems.append(f"staged model {name}")
    else:
        weights = build / "model" / "model.safetensors"
        if weights.is_file() and sha256_file(weights) != metrics.checkpoint_sha256:
            problems.append("staged weights")
    for name, info in inputs.manifest["files"].items():
        if (staged / name).is_file() and sha256_file(staged / name) != info["sha256"]:
            problems.append(f"staged {name}")
    detail = [f"{', '.join(problems)} differ from {RELEASE_FILE} and results; {RERENDER}"] if problems else []
    return ok_or(f"{RELEASE_FILE} and rendered files agree", detail)


def check_secrets(build: Path, cache: Path | None) -> Item:
    """Every file to publish, scanned with detect-secrets and the Hub token pattern; never prints a value."""
    files = {p.relative_to(build.parent.parent).as_posix(): p for p in sorted(build.rglob("*")) if p.is_file()}
    hits = secrets_scan.scan(files, cache)
    problems = [f"{secrets_scan.describe(hits)}; {secrets_scan.FIX}"] if hits else []
    return ok_or("no secrets in the files to publish (detect-secrets, Hub tokens)", problems, f"{len(files)} files")


def check_tracked_secrets(root: Path, tree: TrackedTree, cache: Path | None) -> Item:
    """Secrets in files git tracks (configs, notebooks, ...): not published, but public once the code is."""
    files = {}
    for name in sorted(tree.modes):
        if tree.modes[name] != SYMLINK_MODE and (root / name).is_file() and not (root / name).is_symlink():
            files[name] = root / name
    hits = secrets_scan.scan(files, cache)
    name = "no secrets in files git tracks"
    if not hits:
        return Item(name, "ok", f"{len(files)} files")
    return Item(
        name,
        "warn",
        f"{secrets_scan.describe(hits)}; they are not in the Hub release, but they are in your code repository: {secrets_scan.FIX}",
    )


def absolute_paths(value: Any) -> list[str]:
    """String values (or command-line words) that are absolute file-system paths."""
    if isinstance(value, dict):
        return [p for v in value.values() for p in absolute_paths(v)]
    if isinstance(value, list):
        return [p for v in value for p in absolute_paths(v)]
    if isinstance(value, str):
        return [word for word in value.split() if word.startswith("/") or re.match(r"^[A-Za-z]:\\", word)]
    return []


def check_absolute_paths(root: Path, build: Path) -> Item:
    candidates = sorted((root / "configs").glob("*.y*ml")) + [
        build / "model" / "config.json",
        build / "model" / "run.json",
    ]
    problems = []
    for path in (p for p in candidates if p.is_file()):
        try:
            found = absolute_paths(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (yaml.YAMLError, UnicodeDecodeError):
            problems.append(f"{path.relative_to(root)} cannot be parsed")
            continue
        if found:
            problems.append(f"{path.relative_to(root)} holds the absolute path {found[0]}")
    if problems:
        problems[-1] += "; use paths relative to the project root, then retrain or re-render"
    return ok_or("no absolute paths in configs", problems)


TEXT_SUFFIXES = {"", *".py .md .yaml .yml .toml .cff .j2 .txt .cfg .json .html .css .js".split()}


def conflict_leftovers(root: Path) -> list[tuple[str, str]]:
    """(path relative to root, "rej" or "markers") for each *.rej file and each text file with conflict markers."""
    found = []
    for path in project_files(root):
        name = path.relative_to(root).as_posix()
        if path.suffix == ".rej":
            found.append((name, "rej"))
        elif path.suffix in TEXT_SUFFIXES:
            try:
                if CONFLICT.search(path.read_text(encoding="utf-8")):
                    found.append((name, "markers"))
            except (UnicodeDecodeError, OSError):
                continue
    return found


def check_conflicts(root: Path) -> Item:
    problems = [
        f"{name} is a rejected copier update hunk; apply it by hand and delete it"
        if kind == "rej"
        else f"{name} has conflict markers; resolve them"
        for name, kind in conflict_leftovers(root)
    ]
    return ok_or("no conflict markers or *.rej files", problems)


def check_git(root: Path, run_record: RunRecord) -> Item:
    name = "git tree clean and run.json records the current commit"
    state = tree_state(root)
    if state.commit is None:
        return Item(name, "warn", "no git commit yet; commit the code so the release maps back to it")
    problems = []
    if state.changed:
        problems.append(f"uncommitted changes ({', '.join(state.changed[:5])})")
    if state.untracked:
        problems.append(
            f"untracked files that will not be released ({', '.join(state.untracked[:5])}): git add them or delete them"
        )
    recorded = run_record.git_commit
    if recorded != state.commit:
        problems.append(f"run.json records commit {str(recorded)[:12]}, HEAD is {state.commit[:12]}")
    return Item(name, "warn" if problems else "ok", "; ".join(problems) or state.commit[:12])


def check_contract(root: Path, release: Release) -> tuple[Item, Contract | None]:
    """release_api.py, the one file the tooling calls: complete, or what is still to write."""
    name = "release_api.py declares everything the release tooling calls"
    try:
        contract = load_contract(release.package)
    except UserError as exc:
        return Item(name, "fail", str(exc)), None
    problems = contract.problems()
    if problems:
        return Item(name, "fail", f"{contract.where}: still to write: {'; '.join(problems)}"), None
    return Item(
        name, "ok", f"input {contract.INPUT}, output {contract.OUTPUT}, metrics {', '.join(contract.METRICS)}"
    ), contract


def check_task(release: Release, contract: Contract, dataset_card: DatasetCard) -> Item:
    """One task everywhere: pipeline_tag, the tags, the dataset's task categories and what the demo takes."""
    tag = release.model.pipeline_tag
    problems = []
    others = [t for t in release.model.tags if t in PIPELINE_TAGS and t != tag]
    if others:
        problems.append(f"model.tags names the task {', '.join(others)} but model.pipeline_tag is {tag}")
    categories = getattr(dataset_card.data, "task_categories", None) or []
    if categories != [tag]:
        problems.append(f"the dataset card's task_categories are {categories}, not [{tag}]; {RERENDER}")
    implied = pipeline_input(tag)
    if implied and implied != contract.INPUT:
        problems.append(f"pipeline_tag {tag} takes {implied} input, but release_api.INPUT is {contract.INPUT}")
    if problems:
        problems[-1] += f"; make {RELEASE_FILE} (model.pipeline_tag, model.tags) and release_api.py agree"
    return ok_or("pipeline_tag, tags, task categories and demo input agree", problems, tag)


def fresh_metrics(release: Release) -> Callable[[dict[str, float], str | None], dict[tuple[str, str], float]]:
    """Re-run metrics -> {(Hub metric type, metric name): value}, mapped exactly as the model card maps them."""

    def mapped(metrics: dict[str, float], split: str | None) -> dict[tuple[str, str], float]:
        fresh = Metrics.from_data({**metrics, "split": split})
        return {(r.metric_type, r.metric_name): r.metric_value for r in eval_results(release, fresh)}

    return mapped


def reported(model_card: ModelCard, dataset_card: DatasetCard, release: Release) -> Expected:
    """What the staged cards state, for the behaviour checks to compare with."""
    results = model_card.data.eval_results or []
    return Expected(
        split=results[0].dataset_split if results else None,
        metrics={(r.metric_type, r.metric_name): r.metric_value for r in results},
        splits=expected_splits(dataset_card),
        tolerance=release.metric_tolerance,
    )


def check_release(root: Path = Path("."), *, behaviour: bool = True) -> list[Item]:
    """Every item of the checklist; `behaviour=False` leaves out the four fresh-process checks."""
    root = Path(root)
    with release_lock(root, "make check-release"):
        return _check_release(root, behaviour)


def _check_release(root: Path, behaviour: bool) -> list[Item]:
    build = root / BUILD
    try:
        release = Release.load(root)
    except UserError as exc:
        try:
            raw = parse_release_text((root / RELEASE_FILE).read_bytes()) if (root / RELEASE_FILE).is_file() else None
        except UserError:
            raw = None
        items = [check_licenses(raw, root)] if isinstance(raw, dict) else []
        others = [p for p in release_problems(raw) if "'license." not in p] if isinstance(raw, dict) else [str(exc)]
        return [*items, ok_or(f"{RELEASE_FILE} is complete and valid", others or [str(exc)])]
    contract_item, contract = check_contract(root, release)
    items = [check_licenses(release.as_dict(), root), contract_item]
    if contract is None:
        return items
    try:
        tree = TrackedTree(root)
        inputs = load_inputs(root, tree, release)
    except UserError as exc:
        return [*items, Item("results, checkpoint and data are present", "fail", str(exc))]
    model_card_path, dataset_card_path = build / "model" / "README.md", build / "dataset" / "README.md"
    if not model_card_path.is_file() or not dataset_card_path.is_file():
        return [*items, Item("build/release/ is staged", "fail", f"{BUILD} has no cards; {RERENDER}")]
    model_card, dataset_card = ModelCard.load(model_card_path), DatasetCard.load(dataset_card_path)
    texts = artifact_texts(root, build)
    cache = root / CHECKS_CACHE
    items += [
        check_model_metadata(build / "model", model_card),
        check_task(release, contract, dataset_card),
        check_model_index(release, inputs.metrics, model_card),
        check_dataset_configs(build / "dataset", dataset_card),
        check_paper_links(release, root, texts),
        check_cross_links(release, texts),
        check_drift(root, build, inputs),
        check_secrets(build, cache),
        check_tracked_secrets(root, tree, cache),
        check_absolute_paths(root, build),
        check_conflicts(root),
        check_git(root, inputs.run),
        *check_paper(root, NumberInputs.of(release, inputs.metrics, inputs.benchmark, inputs.manifest)),
    ]
    if behaviour:
        folders = Folders(build / "model", build / "dataset", build / "demo")
        expected = reported(model_card, dataset_card, release)
        items += check_behaviour(release.package, folders, expected, fresh_metrics(release), cache)
    return items


def main(argv: list[str] | None = None) -> list[Item]:
    parser = argparse.ArgumentParser(description="Check the staged release offline; exits 1 on any ✗.")
    parser.add_argument("--root", default=".", help="project root (default: current directory)")
    args = parser.parse_args(argv)
    items = run(lambda: check_release(Path(args.root)))
    for item in items:
        print(item.line())
    failed = sum(item.status == "fail" for item in items)
    print(
        f"{len(items) - failed} of {len(items)} checks passed"
        + (f"; fix the {failed} ✗ above, then run make check-release again" if failed else "")
    )
    if failed:
        raise SystemExit(1)
    return items


if __name__ == "__main__":
    main()
