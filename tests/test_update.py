"""The template's second day: `copier update` through `make template-update`, migrations, `make template-check`.

A local git repository of the template, reached by a file:// URL, holds three tags built from the working
tree: v0.1.0 (the tree as it was before: no `publish:` block in release.yaml, no migration, `*.rej`
ignored, another README heading), v0.2.0 (the tree as it is) and v0.3.0 (one more template change).
Every scenario runs with the oldest copier the template supports and with the newest one installed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from helpers import ROOT, SHARED_ENV, copy_working_tree, leftovers, make, render, run

ANSWERS = {"project_title": "Sparse Probing", "hf_namespace": "my-lab"}
PACKAGE = "sparse_probing"
MIGRATED = "migration v0.2.0: added publish.large_folder_threshold_gb"
PUBLISH_BLOCK = (
    "\npublish:\n  large_folder_threshold_gb: 5   # above this total, uploads take the resumable large-upload path\n"
)
V010_HEADING, V020_HEADING = "## Updating from the template\n", "## Template updates\n"
V030_MARKER = "# v0.3.0: a later template change\n"
IMAGE_EXAMPLE = "{{ '.' if example == 'image-classification' else '' }}"  # the default example's folder
V010_RESEARCHER_LINES = {
    f"{IMAGE_EXAMPLE}/src/{{{{package_name}}}}/model.py": "# template v0.1.0\n",
    f"{IMAGE_EXAMPLE}/cards/model_card.md.j2": "{# template v0.1.0 #}\n",
    f"{IMAGE_EXAMPLE}/configs/default.yaml": "# template v0.1.0\n",
    f"{IMAGE_EXAMPLE}/page/abstract.md": "<!-- template v0.1.0 -->\n",
}
MIN_COPIER = yaml.safe_load((ROOT / "copier.yml").read_text())["_min_copier_version"]


def git(cwd: Path, *args: str) -> str:
    return run(cwd, "git", "-c", "user.name=Researcher", "-c", "user.email=r@example.org", *args).stdout.strip()


def commit_all(project: Path, message: str) -> None:
    git(project, "add", "-A")
    git(project, "commit", "-q", "--no-verify", "-m", message)


def replace_once(path: Path, old: str, new: str, *, regex: bool = False) -> None:
    text = path.read_text(encoding="utf-8")
    result, count = re.subn(old, new, text) if regex else (text.replace(old, new), text.count(old))
    assert count == 1, f"{path}: expected one {old!r}"
    path.write_text(result, encoding="utf-8")


def as_v010(tree: Path) -> None:
    """The template as it was before v0.2.0 (each change asserts the text it undoes is still there)."""
    replace_once(tree / "template" / "release.yaml.jinja", r"\n\npublish:\n(?:  .*\n)+", "\n", regex=True)
    replace_once(tree / "copier.yml", r"\n_migrations:\n(?:  .*\n)+", "\n", regex=True)
    replace_once(tree / "template" / "README.md.jinja", V020_HEADING, V010_HEADING)
    replace_once(tree / "template" / ".gitignore", "\n*.orig\n", "\n*.rej\n*.orig\n")
    # The researcher's files differed too: an update must not bring the template's side of them.
    for name, line in V010_RESEARCHER_LINES.items():
        path = tree / "template" / name
        path.write_text(line + path.read_text(encoding="utf-8"), encoding="utf-8")


@pytest.fixture(scope="session")
def versions(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """file:// URL of a bare template repository tagged v0.1.0, v0.2.0, v0.3.0, and its local clone's path."""
    base = tmp_path_factory.mktemp("template-repo")
    work = base / "mlrelease-template"
    work.mkdir()
    git(work, "init", "-q")
    copy_working_tree(work)
    as_v010(work)
    commit_all(work, "v0.1.0")
    git(work, "tag", "v0.1.0")
    copy_working_tree(work)
    commit_all(work, "v0.2.0")
    git(work, "tag", "v0.2.0")
    with (work / "template" / "Makefile.jinja").open("a") as handle:
        handle.write(V030_MARKER)
    commit_all(work, "v0.3.0")
    git(work, "tag", "v0.3.0")
    bare = base / "mlrelease-template.git"
    git(base, "clone", "-q", "--bare", str(work), str(bare))
    return SimpleNamespace(url=bare.as_uri(), local=work)


def copier_venv(version: str) -> Path:
    """A venv with exactly this copier, cached under .venv-copier/ (created once, from PyPI)."""
    venv = ROOT / ".venv-copier" / version
    copier = venv / "bin" / "copier"
    if copier.exists() and run(ROOT, copier, "--version", check=False).stdout.strip() == f"copier {version}":
        return copier
    shutil.rmtree(venv, ignore_errors=True)
    run(ROOT, sys.executable, "-m", "venv", venv)
    run(ROOT, venv / "bin" / "python", "-m", "pip", "install", "--quiet", f"copier=={version}")
    return copier


@pytest.fixture(scope="session", params=["minimum", "newest"])
def copier_cli(request: pytest.FixtureRequest) -> SimpleNamespace:
    """The copier CLI and the COPIER= value for make: the template's minimum, or the one this suite runs."""
    if request.param == "newest":
        return SimpleNamespace(exe=SHARED_ENV / "bin" / "copier", make=[])  # make's default: python -m copier
    exe = copier_venv(MIN_COPIER)
    return SimpleNamespace(exe=exe, make=[f"COPIER={exe}"])


def generate(copier: Path, source: str, destination: Path, ref: str = "v0.1.0") -> subprocess.CompletedProcess:
    """Plain `copier copy` (no --trust) at a template version, then the first commit, as a researcher would."""
    data = [arg for name, value in ANSWERS.items() for arg in ("--data", f"{name}={value}")]
    done = run(destination.parent, copier, "copy", "--defaults", "--vcs-ref", ref, *data, source, destination)
    git(destination, "init", "-q")
    commit_all(destination, "Generated project")
    return done


def answers(project: Path) -> dict:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def researcher_edits(project: Path) -> dict[str, str]:
    """Edit prose, code, configs and metadata and add files; returns the expected text of the researcher's files."""
    replace_once(
        project / "README.md",
        "This repository holds everything needed to go from input to output",
        "OUR PROSE: this repository holds the sparse probes and everything needed to go from input to output",
    )
    edits = {
        "cards/model_card.md.j2": "\nOur own words on the model's limits and intended use.\n",
        f"src/{PACKAGE}/model.py": "\n\ndef our_helper() -> int:\n    return 42\n",
        "configs/default.yaml": "# our note: 30 epochs were no better\n",
        "page/abstract.md": "\nOur extra sentence for the page.\n",
    }
    for name, addition in edits.items():
        with (project / name).open("a", encoding="utf-8") as handle:
            handle.write(addition)
    release = project / "release.yaml"
    replace_once(release, 'title: "Sparse Probing"', 'title: "Sparse Probing, Revisited"  # our title')
    replace_once(release, "version: 0.1.0", "version: 0.2.0")
    replace_once(release, 'emoji: "🔢"', 'emoji: "🧪"')
    added = {
        "notes/ideas.md": "# Ideas\n\nProbe the second layer.\n",
        f"src/{PACKAGE}/probe.py": '"""Our probing code."""\n',
        "configs/large.yaml": "model:\n  channels: 64\n",
    }
    for name, text in added.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    names = [*edits, *added, "release.yaml", "README.md"]
    return {name: (project / name).read_text(encoding="utf-8") for name in names}


def test_update_keeps_the_researchers_work_and_migrates_once(
    versions: SimpleNamespace, copier_cli: SimpleNamespace, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    generate(copier_cli.exe, versions.url, project)
    assert "publish:" not in (project / "release.yaml").read_text()
    mine = researcher_edits(project)
    commit_all(project, "Our research")

    done = make(project, "template-update", "TEMPLATE_VERSION=v0.2.0", *copier_cli.make)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert done.stdout.count(MIGRATED) == 1
    for name, text in mine.items():
        if name not in {"release.yaml", "README.md"}:
            assert (project / name).read_text(encoding="utf-8") == text, name
    for name, line in V010_RESEARCHER_LINES.items():  # skipped, not merged with the template's new version
        relative = name.removeprefix(f"{IMAGE_EXAMPLE}/").replace("{{package_name}}", PACKAGE)
        assert (project / relative).read_text().startswith(line), name
    # The migration added the block once, as text: the researcher's comments and values are untouched.
    release_text = (project / "release.yaml").read_text(encoding="utf-8")
    assert release_text == mine["release.yaml"] + PUBLISH_BLOCK
    release = yaml.safe_load(release_text)
    assert release["title"] == "Sparse Probing, Revisited" and release["version"] == "0.2.0"
    assert release["publish"] == {"large_folder_threshold_gb": 5} and release["demo"]["emoji"] == "🧪"
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "OUR PROSE: this repository holds the sparse probes" in readme  # the researcher's prose
    assert V020_HEADING in readme and V010_HEADING not in readme  # the template's change
    assert "*.rej" not in (project / ".gitignore").read_text().splitlines()
    assert leftovers(project) == []
    assert answers(project)["_commit"] == "v0.2.0" and answers(project)["project_title"] == "Sparse Probing"
    assert "template updated v0.1.0 -> v0.2.0" in done.stdout
    commit_all(project, "Template v0.2.0")

    done = make(project, "template-check", *copier_cli.make)
    assert done.returncode == 0, done.stderr
    assert "a newer template version is available: v0.3.0 (this project: v0.2.0)" in done.stdout

    # Exactly once: a later update does not run the v0.2.0 migration again, even when the block is gone.
    replace_once(project / "release.yaml", PUBLISH_BLOCK, "")
    commit_all(project, "We removed the publish block")
    done = make(project, "template-update", *copier_cli.make)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert MIGRATED not in done.stdout and "publish:" not in (project / "release.yaml").read_text()
    assert (project / "Makefile").read_text().endswith(V030_MARKER)
    assert answers(project)["_commit"] == "v0.3.0" and leftovers(project) == []
    commit_all(project, "Template v0.3.0")
    done = make(project, "template-check", *copier_cli.make)
    assert done.returncode == 0 and "up to date with the template (v0.3.0)" in done.stdout


def test_conflicting_edit_is_reported(versions: SimpleNamespace, copier_cli: SimpleNamespace, tmp_path: Path) -> None:
    project = tmp_path / "project"
    generate(copier_cli.exe, versions.url, project)
    replace_once(project / "README.md", V010_HEADING, "## Staying current with the template\n")
    commit_all(project, "Our heading")
    done = make(project, "template-update", "TEMPLATE_VERSION=v0.2.0", *copier_cli.make)
    assert done.returncode != 0
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: conflicts remain in README.md; resolve them (git diff shows the markers), delete any *.rej, "
        "then git add -A and commit"
    ], done.stderr
    assert "  README.md: conflict markers" in done.stdout
    assert leftovers(project) == ["README.md"]
    readme = (project / "README.md").read_text()
    assert "## Staying current with the template" in readme and V020_HEADING in readme
    # The rest of the update was applied and kept for the researcher to finish.
    assert answers(project)["_commit"] == "v0.2.0" and "publish:" in (project / "release.yaml").read_text()


def tree_state(project: Path) -> tuple:
    files = {
        p.relative_to(project).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(project.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(project).parts
    }
    if not (project / ".git").exists():
        return files, None, None
    status = subprocess.run(["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True).stdout
    return files, git(project, "rev-parse", "HEAD"), status


@pytest.fixture(scope="module")
def v010_project(versions: SimpleNamespace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("v010") / "project"
    generate(SHARED_ENV / "bin" / "copier", versions.url, project)
    return project


def set_answer(project: Path, key: str, value: str) -> None:
    replace_once(project / ".copier-answers.yml", rf"(?m)^{key}: .*$", f"{key}: {value}", regex=True)


BAD_INPUT = {
    "no answers file": (
        lambda p: git(p, "rm", "-q", ".copier-answers.yml"),
        r"\.copier-answers\.yml not found, .*restore it from git",
    ),
    "answers file not YAML": (
        lambda p: (p / ".copier-answers.yml").write_text("_commit: v0.1.0\n_src_path: [unclosed\n"),
        r"\.copier-answers\.yml is not valid YAML \(line \d+\); copier writes it, never edit it by hand",
    ),
    "answers file without _src_path": (
        lambda p: replace_once(p / ".copier-answers.yml", r"(?m)^_src_path: .*\n", "", regex=True),
        r"\.copier-answers\.yml has no _src_path \(the template source\)",
    ),
    "version that does not exist": (
        lambda p: set_answer(p, "_commit", "v9.9.9"),
        r"_commit: v9\.9\.9 in \.copier-answers\.yml is not a version of the template",
    ),
    "URL that cannot be reached": (
        lambda p: set_answer(p, "_src_path", "file:///nonexistent/mlrelease-template.git"),
        r"the template source file:///nonexistent/mlrelease-template\.git .* cannot be reached: .*; check the network",
    ),
    "local path that does not exist": (
        lambda p: set_answer(p, "_src_path", "/nonexistent/mlrelease-template"),
        r"the template source /nonexistent/mlrelease-template .* does not exist; put the template's git clone back",
    ),
}


@pytest.mark.parametrize("target", ["template-update", "template-check"])
@pytest.mark.parametrize("case", BAD_INPUT, ids=lambda c: c.replace(" ", "-"))
def test_bad_input_is_one_line_and_leaves_the_project(
    case: str, target: str, v010_project: Path, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(v010_project, project, symlinks=True)
    breaker, message = BAD_INPUT[case]
    breaker(project)
    commit_all(project, f"broken: {case}")
    before = tree_state(project)
    done = make(project, target)
    assert done.returncode != 0
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and re.search(message, errors[0]), done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert tree_state(project) == before


@pytest.mark.parametrize(
    ("case", "breaker", "message"),
    [
        (
            "changed file",
            lambda p: (p / "README.md").write_text("draft\n"),
            r"uncommitted changes \(README\.md\); commit them or stash them",
        ),
        ("new file", lambda p: (p / "draft.md").write_text("draft\n"), r"uncommitted changes \(draft\.md\)"),
        ("no git", lambda p: shutil.rmtree(p / ".git"), r"not a git repository, .*git init && git add -A"),
    ],
)
def test_update_refuses_a_tree_it_could_not_restore(
    case: str, breaker, message: str, v010_project: Path, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(v010_project, project, symlinks=True)
    breaker(project)
    before = tree_state(project)
    done = make(project, "template-update")
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert done.returncode != 0 and len(errors) == 1 and re.search(message, errors[0]), done.stderr
    assert tree_state(project) == before


def test_failed_update_puts_the_project_back(v010_project: Path, tmp_path: Path) -> None:
    """The migration refuses an unreadable release.yaml after copier has applied the update: all of it is undone."""
    project = tmp_path / "project"
    shutil.copytree(v010_project, project, symlinks=True)
    with (project / "release.yaml").open("a") as handle:
        handle.write("links: [unclosed\n")
    commit_all(project, "A broken release.yaml")
    before = tree_state(project)
    done = make(project, "template-update", "TEMPLATE_VERSION=v0.2.0")
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert done.returncode != 0 and len(errors) == 1, done.stderr
    assert errors[0].startswith("error: copier update failed, project left as it was: ")
    assert "release.yaml is not valid YAML (line" in errors[0] and "run make template-update again" in errors[0]
    assert tree_state(project) == before


def test_migrations_need_trust_and_copy_does_not(v010_project: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(v010_project, project, symlinks=True)
    before = tree_state(project)
    done = run(project, SHARED_ENV / "bin" / "copier", "update", "--defaults", "--vcs-ref", "v0.2.0", check=False)
    assert done.returncode != 0 and "migrations" in done.stderr and "--trust" in done.stderr
    assert tree_state(project) == before
    # v010_project itself was generated by `copier copy` without --trust, and copier.yml has nothing that needs it.
    config = yaml.safe_load((ROOT / "copier.yml").read_text())
    assert not {"_tasks", "_jinja_extensions"} & set(config) and config["_migrations"]


def test_local_path_source_warns(versions: SimpleNamespace, tmp_path: Path) -> None:
    copier = SHARED_ENV / "bin" / "copier"
    from_url = generate(copier, versions.url, tmp_path / "from-url")
    assert "WARNING" not in from_url.stderr
    project = tmp_path / "from-path"
    from_path = generate(copier, str(versions.local), project)
    assert f"WARNING: this project was generated from the local path {versions.local}" in from_path.stderr
    done = make(project, "template-check")
    assert done.returncode == 0, done.stderr
    assert f"warning: this project updates from the local path {versions.local}" in done.stderr
    assert "a newer template version is available: v0.3.0" in done.stdout


def load_migration():
    spec = importlib.util.spec_from_file_location("migrate_v0_2_0", ROOT / "hooks" / "migrate_v0_2_0_publish.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_migration_script_edits_text_and_is_idempotent(default_project: Path, tmp_path: Path) -> None:
    migration = load_migration()
    current = (default_project / "release.yaml").read_text()
    assert current.endswith(PUBLISH_BLOCK)  # the migration writes exactly what the template renders
    old = current.removesuffix(PUBLISH_BLOCK) + "\n"
    assert migration.migrate(old) == current and migration.migrate(current) is None
    assert migration.migrate("title: x  # ours") == "title: x  # ours\n" + PUBLISH_BLOCK
    extended = migration.migrate("# top\npublish:  # ours\n  retries: 3\nafter: 1\n")
    assert yaml.safe_load(extended) == {"publish": {"large_folder_threshold_gb": 5, "retries": 3}, "after": 1}
    assert extended.startswith("# top\npublish:  # ours\n  large_folder_threshold_gb: 5")
    for bad in ("title: [unclosed\n", "- a list\n", "publish: {retries: 3}\n"):
        with pytest.raises(ValueError):
            migration.migrate(bad)
    release = tmp_path / "release.yaml"
    release.write_text(old)
    release.chmod(0o640)
    assert migration.main(["migrate", str(release)]) == 0
    assert release.read_text() == current and release.stat().st_mode & 0o777 == 0o640
    assert migration.main(["migrate", str(release)]) == 0 and release.read_text() == current
    release.write_text("title: [unclosed\n")
    assert migration.main(["migrate", str(release)]) == 1 and release.read_text() == "title: [unclosed\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release.yaml"]  # no temporary file left


def test_tooling_migration_rewrites_only_the_researchers_imports(default_project: Path, tmp_path: Path) -> None:
    """v0.3.0 moved src/release_tools/ into the package: the researcher's files that import it are rewritten."""
    spec = importlib.util.spec_from_file_location(
        "migrate_v0_3_0", ROOT / "hooks" / "migrate_v0_3_0_tooling_in_package.py"
    )
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    package = yaml.safe_load((default_project / "release.yaml").read_text())["package"]
    project = tmp_path / "project"
    project.mkdir()
    for name in ("release.yaml", "src", "demo", "tests/example"):
        source = default_project / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / name)
    tooling = project / "src" / package / "release_tools"
    shutil.rmtree(tooling)
    (project / "src" / "release_tools" / "__pycache__").mkdir(parents=True)  # what copier's deletion leaves
    # As the researcher's files were before v0.3.0: the tooling imported as a top-level package.
    before = {}
    for path in migration.researcher_files(project, package):
        text = path.read_text()
        old = re.sub(
            rf"\b(from |import_module\(f?[\"']){{0,1}}(?:{package}\.|\.)release_tools\b", r"\1release_tools", text
        )
        path.write_text(old)
        before[path] = (text, old)
    assert any(old != text for text, old in before.values())
    notes = "# mentions release_tools.cli in prose only\nx = 'my release_tools'\n"
    (project / "src" / package / "notes.py").write_text(notes)
    assert migration.main(["migrate", str(project)]) == 0
    for path, (text, _old) in before.items():  # absolute imports of the package's tooling, the rest as it was
        assert path.read_text() == text.replace("from .release_tools", f"from {package}.release_tools"), path
    assert (project / "src" / package / "notes.py").read_text() == notes
    assert not (project / "src" / "release_tools").exists()
    snapshot = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    assert migration.main(["migrate", str(project)]) == 0  # idempotent
    assert snapshot == {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    (project / "release.yaml").write_text("package: Not A Package\n")
    assert migration.main(["migrate", str(project)]) == 1


def test_skip_patterns_cover_the_researchers_files(tmp_path: Path) -> None:
    """`_skip_if_exists` (rendered, as copier matches it) holds the researcher's files and none of the template's."""
    from pathspec import PathSpec

    project = render(tmp_path / "project", ANSWERS)
    config = yaml.safe_load((ROOT / "copier.yml").read_text())
    spec = PathSpec.from_lines(
        "gitwildmatch", [p.replace("{{ package_name }}", PACKAGE) for p in config["_skip_if_exists"]]
    )
    files = [p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()]
    researcher = re.compile(
        rf"^(release\.yaml|configs/.*|cards/.*\.md\.j2|page/.*|src/{PACKAGE}/(?!release_tools/).*|demo/ui\.py|tests/example/.*|paper/.*)$"
    )
    for name in files:
        assert spec.match_file(name) == bool(researcher.match(name)), name
    assert {"release.yaml", "cards/model_card.md.j2", "page/abstract.md", f"src/{PACKAGE}/model.py"} <= {
        name for name in files if spec.match_file(name)
    }


def test_minimum_copier_agrees_everywhere() -> None:
    """copier.yml, the tooling's own check, the project's dev extra and the two pin lists agree on copier."""
    tooling = (ROOT / "template" / "src" / "{{package_name}}" / "release_tools" / "template_update.py").read_text()
    assert f'MIN_COPIER = Version("{MIN_COPIER}")' in tooling
    major_minor = ".".join(MIN_COPIER.split(".")[:2])
    assert f'"copier>={major_minor},<10"' in (ROOT / "template" / "pyproject.toml.jinja").read_text()
    lock = (ROOT / "template" / "requirements.lock").read_text().splitlines()
    tests = (ROOT / "requirements-test.txt").read_text().splitlines()
    pinned = [line for line in lock if line.startswith("copier==")]
    assert len(pinned) == 1 and pinned == [line for line in tests if line.startswith("copier==")]


def test_ci_workflow_runs_the_suite_with_the_minimum_and_newest_copier() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "test.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert {"pull_request", "push", "schedule"} <= set(triggers) and triggers["schedule"][0]["cron"]
    job = workflow["jobs"]["test"]
    assert job["strategy"]["matrix"]["copier"] == [MIN_COPIER, "latest"]
    assert job["env"]["COPIER_UNDER_TEST"] == "${{ matrix.copier }}"
    runs = [step.get("run", "") for step in job["steps"]]
    assert any('spec="copier==$COPIER_UNDER_TEST"' in run and "pip install" in run for run in runs)
    assert runs[-1] == "make test-all"  # the slow tier included
