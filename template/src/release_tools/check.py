"""`make check-release`: the release checklist, offline. One line per item, ✓ or ✗ with the fix; ⚠ only warns.

Runs on what `make cards` staged in build/release/, before anything is uploaded.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from huggingface_hub import DatasetCard, ModelCard

from .cards import eval_results, render_dataset_card, render_model_card
from .citation import citation_cff
from .cli import UserError, run
from .files import sha256_file
from .provenance import git_state
from .readme_blocks import render_readme
from .release_file import RELEASE_FILE, load_release, release_links, release_problems
from .space import space_card
from .stage import BUILD, load_inputs, staged_split_rows

TOKEN = re.compile(rb"hf_[A-Za-z0-9]{30,}")
PRIVATE_KEY = re.compile(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----")
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
RERENDER = "run `make cards`"


@dataclass
class Item:
    name: str
    status: str  # "ok", "fail" or "warn"
    detail: str = ""

    def line(self) -> str:
        mark = {"ok": "✓", "fail": "✗", "warn": "⚠"}[self.status]
        return f"{mark} {self.name}" + (f" — {self.detail}" if self.detail else "")


def ok_or(name: str, problems: list[str], ok_detail: str = "") -> Item:
    return Item(name, "fail", "; ".join(problems)) if problems else Item(name, "ok", ok_detail)


def project_files(root: Path) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not SKIP_DIRS.intersection(path.relative_to(root).parts[:-1]):
            found.append(path)
    return sorted(found)


def check_licenses(release: dict[str, Any], root: Path) -> Item:
    problems = [p for p in release_problems(release) if "'license." in p]
    for kind in ("model", "data"):
        link = release.get("license", {}).get(f"{kind}_link")
        if (
            release.get("license", {}).get(kind) == "other"
            and link
            and not link.startswith("http")
            and not (root / link).is_file()
        ):
            problems.append(
                f"license.{kind}_link names {link}, which does not exist; add the license text there or link a URL"
            )
    lic = release.get("license", {})
    return ok_or(
        "licenses set for code, weights and data",
        problems,
        f"code {lic.get('code')}, weights {lic.get('model')}, data {lic.get('data')}",
    )


def check_model_metadata(model_dir: Path, card: ModelCard) -> Item:
    problems = []
    for field in ("pipeline_tag", "library_name"):
        if not getattr(card.data, field, None):
            problems.append(f"the model card has no {field}; set model.{field} in {RELEASE_FILE} and {RERENDER}")
    if not (model_dir / "config.json").is_file():
        problems.append(
            f"{model_dir / 'config.json'} is missing next to the weights (the Hub counts downloads by it); {RERENDER}"
        )
    if not (model_dir / "model.safetensors").is_file():
        problems.append(f"{model_dir / 'model.safetensors'} is missing; {RERENDER}")
    return ok_or("pipeline_tag, library_name and config.json next to the weights", problems)


def check_model_index(release: dict[str, Any], metrics: dict[str, Any], card: ModelCard) -> Item:
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
        "demo Space card": build / "space" / "README.md",
    }
    page = build / "page" / "index.html"
    if page.is_file():
        texts["project page"] = page
    return {name: path.read_text(encoding="utf-8") if path.is_file() else "" for name, path in texts.items()}


def check_paper_links(release: dict[str, Any], root: Path, texts: dict[str, str]) -> Item:
    arxiv = release.get("arxiv_id")
    if not arxiv:
        return Item("paper linked everywhere", "ok", "no arXiv id yet (`make link-paper ARXIV=<id>` adds it)")
    url = f"arxiv.org/abs/{arxiv}"
    missing = [name for name, text in texts.items() if url not in text]
    citation = (root / "CITATION.cff").read_text(encoding="utf-8") if (root / "CITATION.cff").is_file() else ""
    if url not in citation:
        missing.append("CITATION.cff")
    problems = [f"{', '.join(missing)} do not link {url}; {RERENDER}"] if missing else []
    return ok_or("paper linked everywhere", problems, url)


def check_cross_links(release: dict[str, Any], texts: dict[str, str]) -> Item:
    links = {k: v for k, v in release_links(release).items() if v and k != "paper"}
    own = {"model card": "model", "dataset card": "dataset", "demo Space card": "demo", "project page": "page"}
    problems = []
    for name, text in texts.items():
        missing = [kind for kind, url in links.items() if kind != own.get(name) and url not in text]
        if missing:
            problems.append(f"{name} lacks links to {', '.join(missing)}")
    if problems:
        problems[-1] += f"; {RERENDER}"
    return ok_or("every artifact links to every other", problems)


def check_drift(root: Path, build: Path, inputs: dict[str, Any]) -> Item:
    """Re-render in memory and compare with what is on disk."""
    release, problems = inputs["release"], []
    readme = (root / "README.md").read_text(encoding="utf-8")
    if render_readme(readme, release, inputs["metrics"], inputs["benchmark"]) != readme:
        problems.append("README.md blocks")
    citation = (root / "CITATION.cff").read_text(encoding="utf-8") if (root / "CITATION.cff").is_file() else ""
    if citation_cff(release, release_links(release)["model"]) != citation:
        problems.append("CITATION.cff")
    model_card = build / "model" / "README.md"
    if not model_card.is_file() or str(
        render_model_card(root, release, inputs["metrics"], inputs["benchmark"], inputs["run"])
    ) != model_card.read_text(encoding="utf-8"):
        problems.append("model card")
    staged = build / "dataset" / "data"
    split_rows = staged_split_rows(staged)
    dataset_card = build / "dataset" / "README.md"
    if not dataset_card.is_file() or str(
        render_dataset_card(root, release, split_rows, inputs["manifest"])
    ) != dataset_card.read_text(encoding="utf-8"):
        problems.append("dataset card")
    space_readme = build / "space" / "README.md"
    if not space_readme.is_file() or str(space_card(release)) != space_readme.read_text(encoding="utf-8"):
        problems.append("demo Space card")
    weights = build / "model" / "model.safetensors"
    if weights.is_file() and sha256_file(weights) != inputs["metrics"].get("checkpoint_sha256"):
        problems.append("staged weights")
    for name, info in inputs["manifest"]["files"].items():
        if (staged / name).is_file() and sha256_file(staged / name) != info["sha256"]:
            problems.append(f"staged {name}")
    detail = [f"{', '.join(problems)} differ from {RELEASE_FILE} and results; {RERENDER}"] if problems else []
    return ok_or(f"{RELEASE_FILE} and rendered files agree", detail)


def check_secrets(build: Path) -> Item:
    problems = []
    for path in sorted(p for p in build.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if TOKEN.search(data):
            problems.append(f"{path} contains a Hugging Face token")
        if PRIVATE_KEY.search(data):
            problems.append(f"{path} contains a private key")
    if problems:
        problems[-1] += "; remove it, revoke the token, and keep tokens in HF_TOKEN or the Hub login cache"
    return ok_or("no token or private key in files to publish", problems)


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
        except yaml.YAMLError:
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


def check_git(root: Path, run_record: dict[str, Any]) -> Item:
    name = "git tree clean and run.json records the current commit"
    state = git_state(root)
    if state["commit"] is None:
        return Item(name, "warn", "not a git repository with commits; commit the code so the release maps back to it")
    problems = ["uncommitted changes"] if state["dirty"] else []
    recorded = (run_record.get("git") or {}).get("commit")
    if recorded != state["commit"]:
        problems.append(f"run.json records commit {str(recorded)[:12]}, HEAD is {state['commit'][:12]}")
    return Item(name, "warn" if problems else "ok", "; ".join(problems) or state["commit"][:12])


def check_release(root: Path = Path(".")) -> list[Item]:
    root = Path(root)
    build = root / BUILD
    try:
        release = load_release(root)
    except UserError as exc:
        raw = (
            yaml.safe_load((root / RELEASE_FILE).read_text(encoding="utf-8"))
            if (root / RELEASE_FILE).is_file()
            else None
        )
        items = [check_licenses(raw, root)] if isinstance(raw, dict) else []
        others = [p for p in release_problems(raw) if "'license." not in p] if isinstance(raw, dict) else [str(exc)]
        return [*items, ok_or(f"{RELEASE_FILE} is complete and valid", others)]
    items = [check_licenses(release, root)]
    try:
        inputs = load_inputs(root)
    except UserError as exc:
        return [*items, Item("results, checkpoint and data are present", "fail", str(exc))]
    model_card_path, dataset_card_path = build / "model" / "README.md", build / "dataset" / "README.md"
    if not model_card_path.is_file() or not dataset_card_path.is_file():
        return [*items, Item("build/release/ is staged", "fail", f"{BUILD} has no cards; {RERENDER}")]
    model_card, dataset_card = ModelCard.load(model_card_path), DatasetCard.load(dataset_card_path)
    texts = artifact_texts(root, build)
    return [
        *items,
        check_model_metadata(build / "model", model_card),
        check_model_index(release, inputs["metrics"], model_card),
        check_dataset_configs(build / "dataset", dataset_card),
        check_paper_links(release, root, texts),
        check_cross_links(release, texts),
        check_drift(root, build, inputs),
        check_secrets(build),
        check_absolute_paths(root, build),
        check_conflicts(root),
        check_git(root, inputs["run"]),
    ]


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
