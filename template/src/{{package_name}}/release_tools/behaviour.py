# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""Behaviour, not consistency: use what will be published the way its users will, each in a fresh process that
sees only the release's own folders, and compare with what the cards state.

- the model loads from its folder through the research package's load_model (from_pretrained);
- the evaluation, re-run on the dataset folder's split, equals the model card's model-index (exactly, unless
  release.yaml's `checks.metric_tolerance` allows a difference);
- `datasets.load_dataset` on the dataset folder yields the splits and row counts the dataset card states;
- the demo Space, started from a copy of its own folder, answers a staged example as the model does.

The only code on the fresh processes' path is the demo Space folder (which holds the research package as git
tracks it), the Hub is offline and every cache is empty. `make check-release` runs this on build/release/,
`make verify-release` on the downloaded release. Probe results are kept in build/.checks/ under the sha256 of
every file the probe read and the library versions, so an unchanged release is not probed twice; the
comparisons with the cards always run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .checklist import Item
from .cli import UserError
from .demo_run import first_answer, running_app
from .files import atomic_write_json, sha256_file
from .provenance import library_versions

PROBE_TIMEOUT_S = 3600
DEMO_TIMEOUT_S = 300
# Kept out of the probes' environment: they need no credentials and must not find the project's code.
SECRET_WORDS = ("TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "API_KEY", "ACCESS_KEY")
DROPPED = {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "HF_ENDPOINT", "DEMO_CHECKPOINT"}
NAMES = {
    "model": "model loads from its folder in a fresh process",
    "evaluation": "evaluation re-run on the published split equals the model-index",
    "dataset": "datasets.load_dataset gives the splits and rows the dataset card states",
    "demo": "demo Space starts from its own folder and answers an example as the model does",
}
RESTAGE = "then run make stage"


@dataclass(frozen=True)
class Folders:
    """The release as its users get it: model, dataset and demo Space folders."""

    model: Path
    dataset: Path
    demo: Path

    def examples(self) -> list[Path]:
        folder = self.demo / "examples"
        return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


@dataclass(frozen=True)
class Expected:
    """What the cards (or the release record) state, to compare the probes with."""

    split: str | None
    metrics: dict[tuple[str, str], float]  # (Hub metric type, metric name) -> value
    splits: dict[str, int]  # dataset split -> rows
    tolerance: float = 0.0


def fresh_env(home: Path, code: Path | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in DROPPED and not any(word in k.upper() for word in SECRET_WORDS) and not k.startswith("HF_")
    }
    env.update(
        HF_HOME=str(home / "hf"),
        HF_HUB_OFFLINE="1",
        HF_DATASETS_OFFLINE="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        PYTHONDONTWRITEBYTECODE="1",
        GRADIO_ANALYTICS_ENABLED="False",
    )
    if code is not None:
        env["PYTHONPATH"] = str(code)
    return env


def files_of(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, Path]:
    return {
        p.relative_to(folder).as_posix(): p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).as_posix().startswith(skip)
    }


def probe_key(kind: str, inputs: dict[str, Path], extra: dict[str, Any]) -> str:
    """sha256 of everything a probe's answer depends on: its input files, the libraries, the interpreter."""
    record = {
        "kind": kind,
        "python": sys.version,
        "executable": sys.executable,
        "libraries": library_versions(("torch", "gradio", "gradio_client", "datasets", "huggingface_hub", "numpy")),
        "files": {name: sha256_file(path) for name, path in sorted(inputs.items())},
        **extra,
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


class ProbeCache:
    def __init__(self, folder: Path | None):
        self.folder = folder

    def get(self, kind: str, key: str) -> dict[str, Any] | None:
        path = self.folder / f"{kind}-{key}.json" if self.folder else None
        if path is None or not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return None

    def put(self, kind: str, key: str, result: dict[str, Any]) -> None:
        if self.folder is not None:
            for old in self.folder.glob(f"{kind}-*.json"):  # one entry per probe: the newest
                old.unlink(missing_ok=True)
            atomic_write_json(self.folder / f"{kind}-{key}.json", result)


def run_probe(args: list[str], code: Path, timeout: float = PROBE_TIMEOUT_S) -> dict[str, Any]:
    """probe.py <args> in an empty folder with only `code` importable; its JSON answer. The probe runs as a script
    copied there: the Space ships only the tooling its app imports, and the probe is not part of it."""
    with tempfile.TemporaryDirectory(prefix="release-probe-") as tmp:
        script = Path(tmp) / "probe.py"
        shutil.copyfile(Path(__file__).with_name("probe.py"), script)
        try:
            done = subprocess.run(
                [sys.executable, str(script), *args],
                cwd=tmp,
                env=fresh_env(Path(tmp), code),
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return {"error": f"no answer within {timeout:.0f} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode == 0 and lines:
        try:
            return json.loads(lines[-1])
        except ValueError:
            pass
    last = [line for line in done.stderr.strip().splitlines() if line.strip()]
    return {"error": f"the process exited with status {done.returncode}: {last[-1] if last else 'no output'}"[:500]}


def model_probe_run(args: list[str], code: Path) -> dict[str, Any]:
    """The model probe; where the package came from is kept relative to the code folder when it is inside it, so a
    cached answer stays right for a copy of the project in another folder (an absolute path is foreign code)."""
    result = run_probe(args, code)
    found = result.get("package_file")
    if found and Path(found).is_relative_to(code):
        result["package_file"] = Path(found).relative_to(code).as_posix()
    return result


def shortened(text: str, limit: int = 500) -> str:
    """One line of at most `limit` characters that keeps the end too: a crash's traceback ends with its cause."""
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[: limit // 4]} … {text[-(limit - limit // 4 - 3) :]}"


def demo_probe(
    folders: Folders, demo_args: Callable[[], list | None], timeout: float = DEMO_TIMEOUT_S
) -> dict[str, Any]:
    """Start a copy of the demo Space folder (its app.py, nothing else on the path) and call its `/predict` with
    `demo_args()`: the inputs' values for an example, which the model probe works out with the Space's ui.py."""
    with tempfile.TemporaryDirectory(prefix="release-demo-") as tmp:
        space = Path(tmp) / "space"
        shutil.copytree(folders.demo, space)
        env = fresh_env(Path(tmp), None)
        env["DEMO_CHECKPOINT"] = str(folders.model.resolve())
        with running_app(space / "app.py", env, cwd=space) as (url, process, _):
            args = demo_args()  # the app boots meanwhile
            if args is None:
                return {
                    "answered": False,
                    "error": "the example's input values could not be worked out (see the model check)",
                }
            try:
                answer = first_answer(url, process, args, timeout=timeout)
            except Exception as exc:  # noqa: BLE001 - the app's own error (gr.Error) or a crash: the answer
                return {"answered": False, "error": shortened(str(exc))}
    return {"answered": True, "answer": answer_of_demo(answer)}


def answer_of_demo(answer: Any) -> Any:
    """What a user reads off the demo's output: the top label of a gr.Label, else the value itself."""
    if isinstance(answer, dict) and "label" in answer:
        return None if answer["label"] is None else str(answer["label"])
    return answer


def _cached(cache: ProbeCache, kind: str, inputs: dict[str, Path], extra: dict, run: Callable[[], dict]) -> dict:
    key = probe_key(kind, inputs, extra)
    found = cache.get(kind, key)
    if found is not None:
        return {**found, "cached": True}
    result = run()
    if not result.get("error") and result.get("loaded", True) and result.get("answered", True):
        cache.put(kind, key, result)
    return result


def probe_all(package: str, folders: Folders, split: str | None, cache: ProbeCache) -> dict[str, dict]:
    """The three probes, side by side: model (load, evaluate, predict the examples), dataset, demo."""
    code = files_of(folders.demo)
    weights = files_of(folders.model, skip=("README.md", "logs/"))
    split_file = folders.dataset / "data" / f"{split}.parquet" if split else None
    examples = folders.examples()
    model_inputs = {**{f"space/{k}": v for k, v in code.items()}, **{f"model/{k}": v for k, v in weights.items()}}
    if split_file is not None and split_file.is_file():
        model_inputs[f"dataset/{split_file.name}"] = split_file
    else:
        split_file = None
    model_args = ["model", "--package", package, "--model", str(folders.model.resolve())]
    if split_file is not None:
        model_args += ["--split-file", str(split_file.resolve())]
    if examples:
        model_args += [
            "--examples",
            *(str(p.resolve()) for p in examples),
            "--demo-example",
            str(examples[0].resolve()),
        ]
    dataset_inputs = files_of(folders.dataset)
    with ThreadPoolExecutor(max_workers=3) as pool:
        model = pool.submit(
            _cached, cache, "model", model_inputs, {"package": package, "split": split},
            lambda: model_probe_run(model_args, folders.demo.resolve()),
        )  # fmt: skip
        dataset = pool.submit(
            _cached, cache, "dataset", dataset_inputs, {},
            lambda: run_probe(["dataset", "--dataset", str(folders.dataset.resolve())], folders.demo.resolve()),
        )  # fmt: skip
        demo = (
            pool.submit(
                _cached,
                cache,
                "demo",
                {**model_inputs, "example": examples[0]},
                {"example": examples[0].name},
                lambda: demo_probe(folders, lambda: model.result().get("demo_args")),
            )  # fmt: skip
            if examples
            else None
        )
        return {
            "model": model.result(),
            "dataset": dataset.result(),
            "demo": demo.result() if demo else {"answered": False, "error": "the demo Space has no examples/ to try"},
        }


def same_answer(demo: Any, model: Any) -> bool:
    if isinstance(model, float) and isinstance(demo, (int, float)):
        return abs(demo - model) <= 1e-6 * max(1.0, abs(model))
    return demo == model


def _close(a: float, b: float, tolerance: float) -> bool:
    return abs(float(a) - float(b)) <= tolerance


def items_from(probes: dict[str, dict], folders: Folders, expected: Expected, fresh_metrics: Callable) -> list[Item]:
    """Compare the probes' answers with what the cards state; one checklist item each."""
    items = []
    model = probes["model"]
    if not model.get("loaded"):
        items.append(
            Item(
                NAMES["model"],
                "fail",
                f"{model.get('error')}; the model folder must hold every file from_pretrained needs, {RESTAGE}",
            )
        )
    elif model.get("package_file") and Path(model["package_file"]).is_absolute():
        items.append(
            Item(
                NAMES["model"],
                "fail",
                f"the model's code came from {model['package_file']}, not from the demo Space folder",
            )
        )
    else:
        items.append(Item(NAMES["model"], "ok", "cached: same files as the last check" if model.get("cached") else ""))

    name = NAMES["evaluation"]
    if not model.get("loaded"):
        items.append(Item(name, "fail", "the model does not load (above)"))
    elif model.get("error"):
        items.append(Item(name, "fail", f"the evaluation failed: {model['error']}"))
    elif not expected.metrics:
        items.append(
            Item(
                name, "fail", f"the model card reports no model-index results to compare with; run make eval, {RESTAGE}"
            )
        )
    elif "metrics" not in model:
        items.append(
            Item(
                name,
                "fail",
                f"the dataset has no data/{expected.split}.parquet, the split the model card reports on; {RESTAGE}",
            )
        )
    else:
        fresh = fresh_metrics(model["metrics"], expected.split)
        problems, shown = [], []
        for key, value in expected.metrics.items():
            if key not in fresh:
                problems.append(f"{key[1]}: reported {value}, but the evaluation does not compute it")
            elif not _close(fresh[key], value, expected.tolerance):
                problems.append(
                    f"{key[1]}: re-run {fresh[key]:.6f}, reported {float(value):.6f} on {model.get('num_examples')} "
                    f"{expected.split} examples"
                )
            else:
                shown.append(f"{key[1]} {fresh[key]:.4f}")
        if problems:
            items.append(
                Item(
                    name,
                    "fail",
                    "; ".join(problems)
                    + "; the reported numbers were not written by make eval for this checkpoint: run make eval, "
                    + RESTAGE,
                )
            )
        else:
            tolerance = f" (within {expected.tolerance:g})" if expected.tolerance else " (exactly)"
            items.append(
                Item(
                    name,
                    "ok",
                    f"{', '.join(shown)} on {model.get('num_examples')} {expected.split} examples{tolerance}",
                )
            )

    dataset = probes["dataset"]
    name = NAMES["dataset"]
    if not dataset.get("loaded"):
        items.append(Item(name, "fail", f"{dataset.get('error')}; {RESTAGE}"))
    elif dataset["splits"] != expected.splits:
        items.append(
            Item(
                name,
                "fail",
                f"load_dataset gives {dataset['splits']}, the dataset card states {expected.splits}; {RESTAGE}",
            )
        )
    else:
        items.append(Item(name, "ok", ", ".join(f"{s} {n:,}" for s, n in dataset["splits"].items())))

    demo = probes["demo"]
    name = NAMES["demo"]
    example = folders.examples()[0].name if folders.examples() else None
    predicted = (model.get("predictions") or {}).get(example) if example else None
    if not demo.get("answered"):
        items.append(
            Item(
                name,
                "fail",
                f"{demo.get('error')}; run make demo to see it fail, fix demo/app.py or the code it imports, {RESTAGE}",
            )
        )
    elif predicted is not None and not same_answer(demo.get("answer"), predicted):
        items.append(
            Item(
                name,
                "fail",
                f"the demo answers {demo.get('answer')!r} for examples/{example}, the model predicts {predicted!r}",
            )
        )
    else:
        items.append(Item(name, "ok", f"examples/{example} → {demo.get('answer')}"))
    return items


def check_behaviour(
    package: str,
    folders: Folders,
    expected: Expected,
    fresh_metrics: Callable[[dict[str, float], str | None], dict[tuple[str, str], float]],
    cache_folder: Path | None = None,
) -> list[Item]:
    """The four behaviour items for `folders`; `fresh_metrics` maps re-run metrics to (Hub type, name) keys."""
    for kind, folder in (("model", folders.model), ("dataset", folders.dataset), ("demo Space", folders.demo)):
        if not folder.is_dir():
            raise UserError(f"the {kind} folder {folder} is missing; {RESTAGE}")
    probes = probe_all(package, folders, expected.split, ProbeCache(cache_folder))
    return items_from(probes, folders, expected, fresh_metrics)
