"""Starting without an example, and bringing one's own research: the contract is all the tooling needs (issue 11).

- `example=none`: a project whose research code is placeholders. Each `make` step of the research chain stops with
  one line saying what to write there, `make check-release` lists every contract name still to write, and the
  project's lint and tests pass.
- A research package that is none of the template's examples (tests/fixtures/text_research: a text classifier with
  its own data, a checkpoint with a vocabulary file beside the weights, its own metrics and demo), written only
  against src/<package>/release_api.py. It replaces the `none` project's researcher-owned files and nothing else,
  then runs the whole chain: data, train, eval, predict, benchmark, cards, check-release (its demo answering through
  gradio_client), publish to the loopback Hub, verify-release; and the same with weights trained elsewhere
  (`make import-checkpoint`). Finally a template update to a newer version applies without conflicts and leaves the
  researcher's files as they were.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from helpers import ROOT, SHARED_ENV, WINE_ANSWERS, base_env, commit_all, copy_working_tree, leftovers, make, render
from hub_server import HubServer
from pathspec import PathSpec

FIXTURE = ROOT / "tests" / "fixtures" / "text_research"
PACKAGE = "text_research"
NAMESPACE = "test-user"
TEXT_ANSWERS = {
    "example": "none",
    "project_title": "Topic of Short Sentences",
    "description": "A bag-of-words classifier that tells the topic of a short sentence.",
    "project_slug": "text-research",
    "package_name": PACKAGE,
    "pipeline_tag": "text-classification",
    "hf_namespace": NAMESPACE,
}
# What the researcher replaces: folders are replaced whole, files one by one (the announcement card stays).
RESEARCHER_FOLDERS = (f"src/{PACKAGE}", "configs", "tests/example")
RESEARCHER_FILES = ("demo/ui.py", "cards/model_card.md.j2", "cards/dataset_card.md.j2", "page/abstract.md")
UPDATE_MARKER = "# v0.4.0: a later template change\n"


def git(project: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=Researcher", "-c", "user.email=researcher@example.org", *args]
    done = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def researcher_owned(package: str) -> PathSpec:
    """copier.yml's `_skip_if_exists`, rendered as copier matches it: the files a template update never rewrites."""
    patterns = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))["_skip_if_exists"]
    return PathSpec.from_lines("gitignore", [p.replace("{{ package_name }}", package) for p in patterns])


def replace_example(project: Path) -> None:
    """Put the fixture's research package where the researcher's files are; touch nothing else."""
    ignore = shutil.ignore_patterns("__pycache__", ".ruff_cache", ".pytest_cache")
    for folder in RESEARCHER_FOLDERS:
        for child in (project / folder).iterdir():
            if child.name == "release_tools":  # the template's tooling inside the package stays
                continue
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        shutil.copytree(FIXTURE / folder, project / folder, ignore=ignore, dirs_exist_ok=True)
    for name in RESEARCHER_FILES:
        shutil.copyfile(FIXTURE / name, project / name)


def files_under(project: Path, spec: PathSpec) -> dict[str, bytes]:
    return {
        p.relative_to(project).as_posix(): p.read_bytes()
        for p in sorted(project.rglob("*"))
        if p.is_file()
        and ".git" not in p.relative_to(project).parts
        and spec.match_file(p.relative_to(project).as_posix())
    }


def error_lines(done: subprocess.CompletedProcess) -> list[str]:
    return [line for line in done.stderr.splitlines() if line.startswith("error:")]


def contract_names(project: Path) -> list[str]:
    """The names <package>.release_tools.contract requires, asked of the project's own tooling."""
    package = yaml.safe_load((project / "release.yaml").read_text())["package"]
    code = f"from {package}.release_tools.contract import DECLARATIONS, FUNCTIONS; print(*DECLARATIONS, *FUNCTIONS)"
    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    done = subprocess.run(
        [SHARED_ENV / "bin" / "python", "-c", code], cwd=project, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


# ---------------------------------------------------------------- example=none


@pytest.fixture(scope="module")
def none_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = render(tmp_path_factory.mktemp("none") / "project", {"example": "none", "package_name": "my_research"})
    commit_all(project, "Generated project")
    return project


@pytest.mark.parametrize(
    ("target", "module"),
    [("data", "data"), ("train", "train"), ("eval", "evaluate"), ("predict", "predict"), ("benchmark", "benchmark")],
)
def test_none_research_steps_say_what_to_write(none_project: Path, target: str, module: str) -> None:
    done = make(none_project, target, *(["INPUT=data/examples"] if target == "predict" else []))
    assert done.returncode != 0 and "Traceback" not in done.stderr
    lines = error_lines(done)
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: src/my_research/{module}.py is a placeholder: write ")
    assert lines[0].endswith('see the README, "Replace the example"')


def test_none_check_release_lists_every_name_to_write(none_project: Path) -> None:
    done = make(none_project, "check-release")
    assert done.returncode != 0 and "Traceback" not in done.stdout + done.stderr
    failed = [line for line in done.stdout.splitlines() if line.startswith("✗")]
    assert len(failed) == 1, done.stdout
    assert failed[0].startswith(
        "✗ release_api.py declares everything the release tooling calls — src/my_research/release_api.py: still to write: "
    )
    names = contract_names(none_project)
    assert {"INPUT", "METRICS", "load_model", "predict"} <= set(names)
    for name in names:
        assert f"{name} is still a todo (" in failed[0], name
    assert "Replace the example" in (none_project / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("target", ["lint", "test"])
def test_none_project_is_clean_as_generated(none_project: Path, target: str) -> None:
    """The placeholders lint clean, and the template's tests skip what needs a complete release_api.py."""
    done = make(none_project, target)
    assert done.returncode == 0, f"make {target}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


# ---------------------------------------------------------------- a research package of one's own


class Project:
    """A generated project's make targets, run as test_publish runs them (no network but the loopback Hub)."""

    def __init__(self, root: Path, env: dict[str, str]):
        self.root, self.env = root, env

    def make(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            ["make", "--no-print-directory", *args, f"VENV={SHARED_ENV}"],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
        if ok:
            assert done.returncode == 0, f"make {' '.join(args)}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
        return done

    def check_release(self) -> str:
        """`make check-release`, every item passing (a ⚠ is allowed); its output."""
        done = self.make("check-release")
        assert "✗" not in done.stdout and re.search(r"^(\d+) of \1 checks passed$", done.stdout, re.M), done.stdout
        return done.stdout


@pytest.fixture(scope="module")
def text_project(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """A `none` project whose researcher-owned files are replaced by the fixture, committed, then data, training,
    evaluation, prediction, benchmark, cards and check-release, committed again (the probes' cache warm)."""
    base = tmp_path_factory.mktemp("text")
    root = render(base / "text-research", TEXT_ANSWERS)
    commit_all(root, "Generated project")
    generated = git(root, "rev-parse", "HEAD")
    replace_example(root)
    commit_all(root, "Our research")
    changed = git(root, "diff", "--name-only", generated, "HEAD").splitlines()
    project = Project(root, base_env(base))
    outputs = {}
    for target in ("data", "train", "eval", "predict INPUT=data/examples", "benchmark", "stage"):
        outputs[target.split()[0]] = project.make(*target.split()).stdout
    outputs["check-release"] = project.check_release()
    commit_all(root, "Trained and staged")
    return SimpleNamespace(root=root, changed=changed, outputs=outputs)


def copy_of(text_project: SimpleNamespace, tmp_path: Path, env: dict[str, str] | None = None) -> Project:
    root = tmp_path / "text-research"
    shutil.copytree(text_project.root, root, symlinks=True)
    return Project(root, {**base_env(tmp_path), **(env or {})})


def test_replacing_the_example_touches_only_the_researchers_files(text_project: SimpleNamespace) -> None:
    spec = researcher_owned(PACKAGE)
    assert text_project.changed, "the fixture changed nothing"
    template_owned = [name for name in text_project.changed if not spec.match_file(name)]
    assert template_owned == [], f"the research package needed template-owned files: {template_owned}"
    assert f"src/{PACKAGE}/model.py" in text_project.changed and "demo/ui.py" in text_project.changed


def test_a_package_written_against_the_contract_runs_the_chain(text_project: SimpleNamespace) -> None:
    root, outputs = text_project.root, text_project.outputs
    assert re.search(r"^data/examples/sports\.txt\tsports\t", outputs["predict"], re.M), outputs["predict"]
    metrics = json.loads((root / "results" / "metrics.json").read_text())
    assert {"mcc", "weighted_f1"} <= set(metrics) and "accuracy" not in metrics
    # The whole checkpoint is staged, its vocabulary included, each file bound to the hash make eval recorded.
    staged = {p.name for p in (root / "build" / "release" / "model").iterdir()}
    assert {"model.safetensors", "config.json", "vocab.json", "run.json", "README.md"} <= staged
    assert set(metrics["checkpoint_files"]) == {"model.safetensors", "config.json", "vocab.json", "run.json"}
    assert {p.name for p in (root / "build" / "release" / "demo" / "examples").iterdir()} == {
        "food.txt",
        "sports.txt",
        "weather.txt",
    }
    card = (root / "build" / "release" / "model" / "README.md").read_text(encoding="utf-8")
    assert (
        "type: matthews_correlation" in card
        and "name: Weighted F1" in card
        and "pipeline_tag: text-classification" in card
    )
    check = outputs["check-release"]
    for item in (
        "✓ release_api.py declares everything the release tooling calls — input text, output label, metrics mcc, weighted_f1",
        "✓ pipeline_tag, tags, task categories and demo input agree — text-classification",
        "✓ model loads from its folder in a fresh process",
        "✓ evaluation re-run on the published split equals the model-index — MCC ",
        "✓ datasets.load_dataset gives the splits and rows the dataset card states — train 240, validation 60, test 90",
        "✓ demo Space starts from its own folder and answers an example as the model does — examples/food.txt → ",
    ):
        assert item in check, check


def test_the_package_lints_as_the_project_does(text_project: SimpleNamespace) -> None:
    done = make(text_project.root, "lint")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_the_demo_answers_text_through_gradio_client(text_project: SimpleNamespace, tmp_path: Path) -> None:
    """`make benchmark-demo` starts demo/app.py and asks it for the first example through gradio_client."""
    project = copy_of(text_project, tmp_path)
    project.make("benchmark-demo")
    result = json.loads((project.root / "results" / "demo_benchmark.json").read_text())
    predicted = re.search(r"^data/examples/food\.txt\t(\w+)\t", text_project.outputs["predict"], re.M)
    assert result["example"].endswith("data/examples/food.txt") and result["answer"] == predicted.group(1), result


def test_the_package_publishes_and_verifies(text_project: SimpleNamespace, tmp_path: Path) -> None:
    with HubServer(user=NAMESPACE) as hub:
        project = copy_of(
            text_project, tmp_path, {"HF_ENDPOINT": hub.url, "HF_HUB_DISABLE_XET": "1", "HF_TOKEN": hub.token}
        )
        done = project.make("publish")
        assert hub.token not in done.stdout + done.stderr
        assert set(hub.files(f"{NAMESPACE}/text-research", "model", "v0.1.0")) >= {"vocab.json", "model.safetensors"}
        git(project.root, "add", "release.lock.json")
        git(project.root, "commit", "-q", "-m", "Release record of v0.1.0")
        verified = project.make("verify-release")
        assert "PASS: v0.1.0 is the release this project published, and it reproduces its results" in verified.stdout
        assert "✓ evaluation re-run on the published split equals the model-index — MCC " in verified.stdout
        assert not hub.errors, hub.errors


def test_the_tabular_examples_own_tests_pass(trained_wine: Path, tmp_path: Path) -> None:
    """The wine example's tests/example in a copy of the shared trained project (the template-owned tests around them
    run with the default answers' whole suite in test_generate.py; this one's whole suite is in the slow tier). Its
    demo test is left to the slow tier too: it needs the whole release built, and the fast tier's check-release of
    the tabular answers already has the staged demo answer an example as the model does."""
    root = shutil.copytree(trained_wine, tmp_path / "wine", symlinks=True)
    done = make(root, "test", "ARGS=tests/example --ignore=tests/example/test_research_demo.py")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert re.search(r"\d+ passed", done.stdout) and " failed" not in done.stdout, done.stdout[-2000:]


@pytest.mark.slow  # publishing and verifying run fast for the digits example (test_publish.py) and the text research
def test_the_tabular_example_publishes_and_verifies(trained_wine: Path, tmp_path: Path) -> None:
    """The wine example through the whole chain, as the digits one is in test_publish.py: make (data, train, eval,
    predict and benchmark ran in the shared `trained_wine`), stage, check-release, publish, verify."""
    assert WINE_ANSWERS["hf_namespace"] == NAMESPACE
    root = shutil.copytree(trained_wine, tmp_path / "wine", symlinks=True)
    with HubServer(user=NAMESPACE) as hub:
        env = {**base_env(tmp_path), "HF_ENDPOINT": hub.url, "HF_HUB_DISABLE_XET": "1", "HF_TOKEN": hub.token}
        project = Project(root, env)
        project.make("stage")
        check = project.check_release()
        assert "— input tabular, output label" in check and "examples/class_0.json → class_0" in check, check
        commit_all(root, "Trained and staged")
        done = project.make("publish")
        assert hub.token not in done.stdout + done.stderr
        model = hub.files(f"{NAMESPACE}/small-mlp-for-wine-cultivars", "model", "v0.1.0")
        assert {"model.safetensors", "config.json", "run.json", "release.lock.json"} <= set(model)
        commit_all(root, "Release record of v0.1.0")
        verified = project.make("verify-release")
        assert "PASS: v0.1.0 is the release this project published, and it reproduces its results" in verified.stdout
        assert not hub.errors, hub.errors


def test_weights_trained_elsewhere_are_imported(text_project: SimpleNamespace, tmp_path: Path) -> None:
    project = copy_of(text_project, tmp_path)
    elsewhere = tmp_path / "elsewhere" / "bow-classifier"
    shutil.copytree((project.root / "checkpoints" / "latest").resolve(), elsewhere)
    (elsewhere / "run.json").unlink()  # trained elsewhere: no run record of this project
    done = project.make("import-checkpoint", f"SRC={elsewhere}")
    latest = (project.root / "checkpoints" / "latest").resolve()
    assert latest.name.startswith("imported-bow-classifier-"), done.stdout
    run = json.loads((latest / "run.json").read_text())
    assert run["origin"] == "external" and set(run["files"]) == {"config.json", "model.safetensors", "vocab.json"}
    for target in ("eval", "stage"):
        project.make(target)
    commit_all(project.root, "Imported weights")
    check = project.check_release()
    assert "✓ model loads from its folder in a fresh process" in check
    card = (project.root / "build" / "release" / "model" / "README.md").read_text(encoding="utf-8")
    assert (
        "## Origin of the weights" in card and "a local folder (`bow-classifier`)" in card and "## Training" not in card
    )
    assert str(tmp_path) not in (project.root / "build" / "release" / "model" / "run.json").read_text()


# ---------------------------------------------------------------- a template update after replacing the example


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory: pytest.TempPathFactory) -> str:
    """file:// URL of a template repository with v0.3.0 (the working tree) and v0.4.0 (one more template-owned change,
    and one to the `none` example's release_api.py, which must not reach a researcher who replaced it)."""
    base = tmp_path_factory.mktemp("template-versions")
    work = base / "mlrelease-template"
    work.mkdir()
    git(work, "init", "-q")
    copy_working_tree(work)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "v0.3.0")
    git(work, "tag", "v0.3.0")
    with (work / "template" / "Makefile.jinja").open("a") as handle:
        handle.write(UPDATE_MARKER)
    none_api = (
        work / "template" / "{{ '.' if example == 'none' else '' }}" / "src" / "{{package_name}}" / "release_api.py"
    )
    with none_api.open("a") as handle:
        handle.write("# v0.4.0: the template's stub changed\n")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "v0.4.0")
    git(work, "tag", "v0.4.0")
    bare = base / "mlrelease-template.git"
    git(base, "clone", "-q", "--bare", str(work), str(bare))
    return bare.as_uri()


def generate_at_v030(url: str, project: Path) -> Path:
    """`copier copy` of v0.3.0 from the template's git URL (so the project can update), committed."""
    data = [arg for name, value in TEXT_ANSWERS.items() for arg in ("--data", f"{name}={value}")]
    copier = [SHARED_ENV / "bin" / "copier", "copy", "--defaults", "--vcs-ref", "v0.3.0", *data, url, project]
    done = subprocess.run([str(c) for c in copier], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    commit_all(project, "Generated project")
    return project


def test_template_update_after_replacing_the_example(two_versions: str, tmp_path: Path) -> None:
    project = generate_at_v030(two_versions, tmp_path / "text-research")
    replace_example(project)
    commit_all(project, "Our research")
    spec = researcher_owned(PACKAGE)
    mine = files_under(project, spec)
    assert mine[f"src/{PACKAGE}/release_api.py"] == (FIXTURE / "src" / PACKAGE / "release_api.py").read_bytes()

    done = make(project, "template-update")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "template updated v0.3.0 -> v0.4.0" in done.stdout
    assert leftovers(project) == []
    assert files_under(project, spec) == mine  # not one researcher file rewritten, added or brought back
    assert (project / "Makefile").read_text().endswith(UPDATE_MARKER)  # the template's change arrived
    git(project, "add", "-A")
    changed = set(git(project, "diff", "--cached", "--name-only").splitlines())
    assert changed == {".copier-answers.yml", "Makefile"}, changed


def test_template_update_after_deleting_example_files(two_versions: str, tmp_path: Path) -> None:
    """Replacing an example usually deletes some of its files: they stay deleted, and nothing conflicts."""
    project = generate_at_v030(two_versions, tmp_path / "text-research")
    replace_example(project)
    (project / "src" / PACKAGE / "benchmark.py").unlink()  # the researcher has no benchmark script (yet)
    (project / "tests" / "example" / "test_research.py").rename(project / "tests" / "example" / "test_topics.py")
    commit_all(project, "Our research")
    mine = files_under(project, researcher_owned(PACKAGE))
    done = make(project, "template-update")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert leftovers(project) == [] and files_under(project, researcher_owned(PACKAGE)) == mine
