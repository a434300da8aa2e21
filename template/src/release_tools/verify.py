"""`make verify-release [VERSION=x.y.z]`: does the published release reproduce its own numbers?

In an empty cache: download the model and dataset at tag v<version>, check every file against the release
record (release.lock.json from the tagged model repository), load the model with
`from_pretrained(revision=tag)`, re-run the evaluation on the downloaded split and compare with the
model-index the published card shows. Prints ✓/✗ per step and PASS or FAIL; exits 1 on FAIL.

The research package provides the evaluation: `<package>.predict.load_model(repo_id, revision=, cache_dir=)`,
`<package>.data.read_images(parquet_path) -> (pixels, labels)` and `<package>.evaluate.score(model, pixels,
labels) -> {metric: value}`, the same functions `make eval` uses.
"""

from __future__ import annotations

import argparse
import importlib
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from huggingface_hub import ModelCard, snapshot_download
from huggingface_hub.errors import RevisionNotFoundError

from .cards import eval_results
from .cli import UserError, run
from .files import sha256_file
from .hub import client, hub_call
from .publish import KEPT_REMOTE, LOCK_FILE, local_files
from .release_file import VERSION, load_release

DEFAULT_TOLERANCE = 1e-4


def download(repo_id: str, repo_type: str, tag: str, cache: str, token: str) -> Path:
    with hub_call(f"downloading {repo_type} {repo_id} at {tag}", token):
        try:
            return Path(snapshot_download(repo_id, repo_type=repo_type, revision=tag, cache_dir=cache, token=token))
        except RevisionNotFoundError:
            raise UserError(
                f"{repo_type} {repo_id} has no tag {tag}; publish it first (make publish) or pass VERSION=<published version>"
            ) from None


def file_problems(kind: str, folder: Path, recorded: dict[str, str]) -> list[str]:
    found = {
        path: sha256_file(file) for path, file in local_files(folder).items() if path not in (*KEPT_REMOTE, LOCK_FILE)
    }
    problems = [f"{kind} {path} is not in the release record" for path in sorted(set(found) - set(recorded))]
    problems += [f"{kind} {path} is missing" for path in sorted(set(recorded) - set(found))]
    problems += [
        f"{kind} {path} sha256 differs from the release record"
        for path in sorted(set(found) & set(recorded))
        if found[path] != recorded[path]
    ]
    return problems


def verify(
    root: Path = Path("."),
    version: str | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    say: Callable[[str], None] = print,
) -> bool:
    release = load_release(root)
    version = version or release["version"]
    if not VERSION.match(version):
        raise UserError(f"VERSION={version!r} is not a version like 0.1.0")
    tag = f"v{version}"
    _, token = client()
    package = release["package"]
    failures: list[str] = []

    def report(ok: bool, text: str) -> None:
        say(("✓ " if ok else "✗ ") + text)
        if not ok:
            failures.append(text)

    with tempfile.TemporaryDirectory(prefix="verify-release-") as cache:
        say(f"verify-release {tag}: downloading into an empty cache")
        model_dir = download(release["hub"]["model"], "model", tag, cache, token)
        dataset_dir = download(release["hub"]["dataset"], "dataset", tag, cache, token)
        report(True, f"downloaded model {release['hub']['model']} and dataset {release['hub']['dataset']} at {tag}")
        lock_path = model_dir / LOCK_FILE
        if not lock_path.is_file():
            raise UserError(
                f"model {release['hub']['model']} at {tag} has no {LOCK_FILE}; publish it with make publish"
            )
        record = json.loads(lock_path.read_text(encoding="utf-8"))
        for kind, folder in (("model", model_dir), ("dataset", dataset_dir)):
            problems = file_problems(kind, folder, record["repositories"][kind]["files"])
            report(not problems, "; ".join(problems) or f"{kind} files match {LOCK_FILE}")
        say(f"  code commit {record['code']['commit']}" + (" (uncommitted changes)" if record["code"]["dirty"] else ""))

        card = ModelCard.load(model_dir / "README.md")
        published = {r.metric_name: r for r in card.data.eval_results or []}
        if not published:
            raise UserError(f"the model card at {tag} has no model-index results to compare with")
        split = next(iter(published.values())).dataset_split or "test"
        load_model = importlib.import_module(f"{package}.predict").load_model
        read_images = importlib.import_module(f"{package}.data").read_images
        score = importlib.import_module(f"{package}.evaluate").score
        try:
            model = load_model(release["hub"]["model"], revision=tag, cache_dir=cache)
        except UserError as exc:
            report(False, f"the model does not load with from_pretrained(revision={tag!r}): {exc}")
            return finish(tag, failures, say)
        report(True, f"model loads with from_pretrained(revision={tag!r})")
        split_file = dataset_dir / "data" / f"{split}.parquet"
        if not split_file.is_file():
            raise UserError(f"dataset at {tag} has no data/{split}.parquet, the split the card reports on")
        pixels, labels = read_images(split_file)
        fresh = {r.metric_name: r for r in eval_results(release, {**score(model, pixels, labels), "split": split})}
        for name, result in published.items():
            if name not in fresh:
                report(False, f"{name}: published {result.metric_value}, but the evaluation does not compute it")
                continue
            delta = abs(float(fresh[name].metric_value) - float(result.metric_value))
            report(
                delta <= tolerance,
                f"{name}: re-run {fresh[name].metric_value:.6f}, published {float(result.metric_value):.6f} "
                f"(|Δ| {delta:.2g}, tolerance {tolerance:g}) on {len(labels)} {split} examples",
            )
    return finish(tag, failures, say)


def finish(tag: str, failures: list[str], say: Callable[[str], None]) -> bool:
    if failures:
        say(f"FAIL: {tag} does not reproduce: {len(failures)} check(s) failed")
        return False
    say(f"PASS: {tag} reproduces its published results")
    return True


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description="Download the tagged release and re-run its evaluation.")
    parser.add_argument("--version", default="", help="release version (default: release.yaml's)")
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, help="largest accepted |Δ| per metric")
    parser.add_argument("--root", default=".", help="project root (default: current directory)")
    args = parser.parse_args(argv)
    ok = run(lambda: verify(Path(args.root), args.version or None, args.tolerance, say=lambda s: print(s, flush=True)))
    if not ok:
        raise SystemExit(1)
    return ok


if __name__ == "__main__":
    main()
