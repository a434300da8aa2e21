"""Publishing a generated project to the loopback Hub (`hub_server.py`) with the real huggingface_hub client.

One project is generated, trained for one epoch and committed once per session; every test works on its own
copy of it, against its own fresh server. The project's make targets run in a subprocess whose environment
points the client at the server (HF_ENDPOINT, HF_HUB_DISABLE_XET=1 for this server only) and sends anything
else to a dead proxy. Scenarios of issue 10 (release integrity) use the server's fault injection (`fail_next`) and
holds (`hold_next`: SIGKILL `make publish` at a precise moment), and the real client for whatever someone else
does to the repositories.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from helpers import GIT_ENV, SHARED_ENV, base_env, render
from hub_server import HubServer

NAMESPACE = "test-user"
ANSWERS = {"hf_namespace": NAMESPACE, "project_slug": "digits", "package_name": "digits"}
REPOS = {  # key in release.yaml hub: -> (repo type, repo id, staged folder)
    "dataset": ("dataset", f"{NAMESPACE}/digits-data", "dataset"),
    "model": ("model", f"{NAMESPACE}/digits", "model"),
    "demo": ("space", f"{NAMESPACE}/digits-demo", "demo"),
    "page": ("space", f"{NAMESPACE}/digits-page", "page"),
}


def git(project: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(scope="session")
def trained_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated project with data, a one-epoch checkpoint, results and cards, committed to git.

    The project is a git repository before `make stage`, which stages only what git tracks; `make check-release`
    runs once so that its probe results (build/.checks/, keyed by file hashes) are warm for every copy."""
    project = render(tmp_path_factory.mktemp("publish") / "digits", ANSWERS)
    env = base_env(project.parent)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "generated")
    for target in ("data", "train", "eval", "benchmark", "stage", "check-release"):
        extra = ["ARGS=train.epochs=1"] if target == "train" else []
        done = subprocess.run(
            ["make", target, *extra, f"VENV={SHARED_ENV}"], cwd=project, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, f"make {target}:\n{done.stdout}\n{done.stderr}"
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "trained")
    return project


class Published:
    """A copy of the trained project and a fresh Hub; `make(...)` runs a target against that Hub."""

    def __init__(self, project: Path, hub: HubServer, tmp: Path):
        self.project, self.hub, self.tmp = project, hub, tmp
        self.env = {**base_env(tmp), "HF_ENDPOINT": hub.url, "HF_HUB_DISABLE_XET": "1", "HF_TOKEN": hub.token}

    def make(self, *args: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess:
        done = subprocess.run(
            ["make", "--no-print-directory", *args, f"VENV={SHARED_ENV}"],
            cwd=self.project,
            env={**self.env, **(env or {})},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=600,
        )
        self.check_output(done.stdout + done.stderr)
        return done

    def check_output(self, output: str) -> None:
        assert self.hub.token not in output and self.hub.read_token not in output, "a token leaked into the output"
        assert "Traceback" not in output, output
        assert not self.hub.errors, self.hub.errors

    def start(self, *args: str) -> subprocess.Popen:
        """`make <args>` in the background, in a session of its own so that `kill` reaches every process of it."""
        return subprocess.Popen(
            ["make", "--no-print-directory", *args, f"VENV={SHARED_ENV}"],
            cwd=self.project,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def kill(self, proc: subprocess.Popen) -> str:
        """SIGKILL make and everything it started: nothing gets to clean up. Returns what it printed."""
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=60)
        self.check_output(stdout + stderr)
        return stdout + stderr

    def client(self, script: str, **args: object) -> dict:
        """Run `script` with the real client (fresh interpreter, same environment); return what it prints as JSON."""
        code = "import json, sys\nargs = json.loads(sys.argv[1])\n" + textwrap.dedent(script)
        done = subprocess.run(
            [sys.executable, "-c", code, json.dumps(args)],
            cwd=self.tmp,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    def tags(self) -> dict[str, dict[str, str]]:
        return {
            key: dict(self.hub.repos[(t, rid)].tags) if (t, rid) in self.hub.repos else {}
            for key, (t, rid, _) in REPOS.items()
        }

    def staged(self, key: str) -> dict[str, bytes]:
        folder = self.project / "build" / "release" / REPOS[key][2]
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    def at_tag(self, key: str, tag: str = "v0.1.0") -> dict[str, bytes]:
        """The files of a repository at `tag`, as the server holds them, without .gitattributes and the record."""
        repo_type, repo_id, _ = REPOS[key]
        files = self.hub.files(repo_id, repo_type, tag)
        files.pop(".gitattributes")
        if key == "model":
            assert files.pop("release.lock.json", None) is not None, f"the model has no release record at {tag}"
        return files

    def assert_released(self, tag: str = "v0.1.0") -> None:
        """Every repository carries `tag` on exactly the staged files, and the local record and git tag exist."""
        for key in REPOS:
            assert self.at_tag(key, tag) == self.staged(key), key
        record = json.loads((self.project / "release.lock.json").read_text())
        assert record["tag"] == tag and git(self.project, "tag", "--list", tag) == tag


def copy_and_serve(source: Path, tmp: Path) -> Iterator[Published]:
    project = tmp / "digits"
    shutil.copytree(source, project, symlinks=True)
    with HubServer(user=NAMESPACE) as hub:
        yield Published(project, hub, tmp)


@pytest.fixture
def published(trained_project: Path, tmp_path: Path) -> Iterator[Published]:
    yield from copy_and_serve(trained_project, tmp_path)


@pytest.fixture(scope="session")
def large_project(trained_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The trained project with every upload above the large-upload threshold, its checks warm: release.yaml is
    part of the demo Space, so the probes run again once for it, not once per test."""
    project = tmp_path_factory.mktemp("large") / "digits"
    shutil.copytree(trained_project, project, symlinks=True)
    release = project / "release.yaml"
    release.write_text(release.read_text().replace("large_folder_threshold_gb: 5", "large_folder_threshold_gb: 0"))
    git(project, "commit", "-q", "-am", "every upload is large")
    for target in ("stage", "check-release"):
        done = subprocess.run(
            ["make", target, f"VENV={SHARED_ENV}"],
            cwd=project,
            env=base_env(project.parent),
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"make {target}:\n{done.stdout}\n{done.stderr}"
    return project


@pytest.fixture
def published_large(large_project: Path, tmp_path: Path) -> Iterator[Published]:
    yield from copy_and_serve(large_project, tmp_path)


def error_line(done: subprocess.CompletedProcess) -> str:
    """The one line a refused command prints (make adds its own `make: *** ...` line after it)."""
    lines = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, done.stdout + done.stderr
    assert done.returncode != 0 and "Traceback" not in done.stderr
    return lines[0]


def nothing_sent(published: Published) -> None:
    """A refusal before anything changed: no repository, commit, byte or tag; no record, no git tag."""
    assert published.hub.repos == {} and published.hub.stats.total_commits == 0
    assert published.hub.stats.bytes_received == 0
    assert not (published.project / "release.lock.json").exists()
    assert git(published.project, "tag", "--list") == ""


def untagged(published: Published) -> None:
    """A failed or killed publish: no repository has the tag, and there is no local record or git tag."""
    assert all(tags == {} for tags in published.tags().values()), published.tags()
    assert not (published.project / "release.lock.json").exists()
    assert git(published.project, "tag", "--list") == ""


def release_commits(published: Published) -> dict[str, int]:
    """Per repository, the content commits of v0.1.0 in the history of main (a duplicate would count twice)."""
    counts = {}
    for key, (repo_type, repo_id, _) in REPOS.items():
        repo = published.hub.repo(repo_id, repo_type)
        history = repo.history(repo.resolve("main"))
        counts[key] = sum(c.title.startswith("Release v0.1.0 (code ") for c in history)
    return counts


def test_publish_plan_writes_nothing(published: Published) -> None:
    before = git(published.project, "status", "--porcelain", "--ignored")
    build = published.staged("model")
    done = published.make("publish-plan")
    assert done.returncode == 0, done.stderr
    for key, (repo_type, repo_id, _) in REPOS.items():
        assert (
            f"{key}: {repo_type} {repo_id} (private; does not exist yet: it will be created; will be tagged v0.1.0)"
            in done.stdout
        )
    assert "new       model.safetensors" in done.stdout
    total = sum(len(b) for key in REPOS for b in published.staged(key).values())
    assert "bytes to 4 repositories" in done.stdout and f"{total:,} bytes" in done.stdout
    assert git(published.project, "status", "--porcelain", "--ignored") == before
    assert published.staged("model") == build
    assert published.hub.repos == {} and published.hub.stats.total_commits == 0


def test_publish_then_download_every_repository_at_the_tag(published: Published) -> None:
    hub = published.hub
    done = published.make("publish")
    assert done.returncode == 0, done.stdout + done.stderr
    code_commit = git(published.project, "rev-parse", "HEAD")
    record = json.loads((published.project / "release.lock.json").read_text())
    assert record["version"] == "0.1.0" and record["code"] == {
        "repository": "https://github.com/test-user/digits",
        "commit": code_commit,
        "dirty": False,
    }
    # git gets the version's tag on the code commit, and the record says what the model card reports and which
    # checks passed before anything was sent.
    assert git(published.project, "tag", "--list") == "v0.1.0"
    assert git(published.project, "rev-parse", "v0.1.0^{commit}") == code_commit
    assert record["format"] == 2 and {e["type"] for e in record["model_index"]} == {"accuracy", "f1"}
    assert "evaluation re-run on the published split equals the model-index" in record["checks"]
    for key, (repo_type, repo_id, _) in REPOS.items():
        repo = hub.repo(repo_id, repo_type)
        assert repo.private, f"{repo_id} must be private by default"
        assert set(repo.tags) == {"v0.1.0"}
        content_commit = repo.commits[record["repositories"][key]["commit"]]
        assert content_commit.title == f"Release v0.1.0 (code {code_commit[:12]})"
        assert code_commit in content_commit.message
    assert hub.repo(REPOS["demo"][1], "space").sdk == "gradio" and hub.repo(REPOS["page"][1], "space").sdk == "static"
    # Independent check: download each repository at the tag with the client and compare with what was staged.
    downloaded = published.client(
        """
        from pathlib import Path
        from huggingface_hub import snapshot_download
        out = {}
        for key, (repo_type, repo_id) in args["repos"].items():
            folder = Path(snapshot_download(repo_id, repo_type=repo_type, revision="v0.1.0"))
            out[key] = {p.relative_to(folder).as_posix(): p.read_bytes().hex() for p in folder.rglob("*") if p.is_file()}
        print(json.dumps(out))
        """,
        repos={key: (t, rid) for key, (t, rid, _) in REPOS.items()},
    )
    for key in REPOS:
        files = {path: bytes.fromhex(data) for path, data in downloaded[key].items()}
        files.pop(".gitattributes")
        expected = published.staged(key)
        if key == "model":
            expected["release.lock.json"] = (published.project / "release.lock.json").read_bytes()
        assert files == expected, key
        recorded = record["repositories"][key]["files"]
        assert set(recorded) == set(published.staged(key))
    collection = next(iter(hub.collections.values()))
    assert collection["private"] and {(i["type"], i["id"]) for i in collection["items"]} == {
        (t, rid) for t, rid, _ in REPOS.values()
    }

    # A second publish of the same release changes nothing and sends nothing.
    hub.reset_stats()
    again = published.make("publish")
    assert again.returncode == 0, again.stderr
    assert "v0.1.0 is already published" in again.stdout
    assert hub.stats.total_commits == 0 and hub.stats.bytes_received == 0, hub.stats
    plan = published.make("publish-plan")
    assert "to send: 4 files" not in plan.stdout and "Total to send: 0 files, 0 bytes" in plan.stdout
    assert plan.stdout.count("tag v0.1.0 exists on these files") == 4


@pytest.mark.parametrize("fault", ["commit_500", "commit_dropped"])
def test_failure_midway_leaves_no_tag_and_a_rerun_finishes(published: Published, fault: str) -> None:
    hub = published.hub
    # The dataset's commit goes through; the model's commit fails (a 500, or the connection drops mid-upload).
    hub.fail_next("commit", after=1, drop=fault == "commit_dropped")
    done = published.make("publish")
    line = error_line(done)
    assert f"uploading to model {REPOS['model'][1]}" in line and "run the same command again" in line
    assert all(tags == {} for tags in published.tags().values()), "nothing may be tagged after a failure"
    assert hub.stats.commits[("dataset", REPOS["dataset"][1])] == 1
    assert not (published.project / "release.lock.json").exists()

    rerun = published.make("publish")
    assert rerun.returncode == 0, rerun.stderr
    assert hub.stats.commits[("dataset", REPOS["dataset"][1])] == 1, "the dataset went up once, not twice"
    assert all(set(tags) == {"v0.1.0"} for tags in published.tags().values())
    # Over both runs every staged byte was sent exactly once (the weights reached LFS storage before the
    # failed commit, so the rerun does not send them again), plus the release record.
    staged = sum(len(b) for key in REPOS for b in published.staged(key).values())
    lock = (published.project / "release.lock.json").stat().st_size
    assert hub.stats.bytes_received == staged + lock, hub.stats


def test_dropped_lfs_upload_is_retried_without_duplicates(published: Published) -> None:
    hub = published.hub
    hub.fail_next("lfs_upload")  # the connection drops halfway through the first large file; the client retries
    done = published.make("publish")
    assert done.returncode == 0, done.stderr
    assert hub.stats.faults["lfs_upload"] == 1
    assert sum(hub.stats.commits.values()) == 5  # one per repository, plus release.lock.json into the model
    model = hub.files(REPOS["model"][1], "model", "v0.1.0")
    assert model["model.safetensors"] == published.staged("model")["model.safetensors"]


def test_a_changed_file_is_the_only_one_sent(published: Published) -> None:
    hub = published.hub
    hub.fail_next("create_tag")  # everything is uploaded, then tagging fails: still no tag anywhere
    first = published.make("publish")
    assert "tagging dataset" in error_line(first)
    assert all(tags == {} for tags in published.tags().values())

    card = published.project / "cards" / "model_card.md.j2"
    card.write_text(card.read_text() + "\nA sentence added after review.\n")
    git(published.project, "commit", "-q", "-am", "card prose")
    hub.reset_stats()
    done = published.make("publish")
    assert done.returncode == 0, done.stderr
    readme = published.staged("model")["README.md"]
    lock = (published.project / "release.lock.json").read_bytes()
    assert hub.stats.lfs_bytes == 0 and hub.stats.regular_bytes == len(readme) + len(lock), hub.stats
    assert dict(hub.stats.commits) == {("model", REPOS["model"][1]): 2}  # the card, then the release record
    assert "A sentence added after review." in hub.files(REPOS["model"][1], "model", "v0.1.0")["README.md"].decode()


def test_a_published_version_never_changes_and_release_bumps_it(published: Published) -> None:
    hub = published.hub
    assert published.make("publish").returncode == 0
    v1 = {key: dict(tags) for key, tags in published.tags().items()}
    card = published.project / "cards" / "model_card.md.j2"
    card.write_text(card.read_text() + "\nErratum: one more sentence.\n")
    git(published.project, "commit", "-q", "-am", "erratum")
    hub.reset_stats()
    refused = published.make("publish")  # git's tag v0.1.0 is on the published commit, not on this one
    assert "git tag v0.1.0 is on commit" in error_line(refused) and "make release VERSION=" in error_line(refused)
    # Without that git tag (a clone without tags), the Hub's tags refuse it just the same.
    tagged = git(published.project, "rev-parse", "v0.1.0^{commit}")
    git(published.project, "tag", "-d", "v0.1.0")
    refused = published.make("publish")
    assert "already has tag v0.1.0 on other content" in error_line(refused)
    assert "make release VERSION=" in error_line(refused)
    assert hub.stats.total_commits == 0 and hub.stats.bytes_received == 0
    git(published.project, "tag", "-a", "v0.1.0", tagged, "-m", "Release v0.1.0")
    # A researcher who never committed the results: the release commit must hold them for the Pages build.
    git(published.project, "rm", "-q", "--cached", "results/metrics.json", "results/benchmark.json")
    git(published.project, "commit", "-q", "-m", "results out of git")

    done = published.make("release", "VERSION=0.2.0")
    assert done.returncode == 0, done.stdout + done.stderr
    assert git(published.project, "tag", "--list").split() == ["v0.1.0", "v0.2.0"]
    assert git(published.project, "log", "-2", "--format=%s").splitlines() == [
        "Record release v0.2.0",
        "Release v0.2.0",
    ]
    assert git(published.project, "rev-parse", "v0.2.0^{commit}") == git(published.project, "rev-parse", "HEAD~1")
    assert {"results/metrics.json", "results/benchmark.json"} <= set(
        git(published.project, "ls-tree", "-r", "--name-only", "v0.2.0", "results").splitlines()
    )
    assert (
        git(published.project, "show", "HEAD:release.lock.json")
        == (published.project / "release.lock.json").read_text().strip()
    )
    assert "version: 0.2.0" in (published.project / "release.yaml").read_text()
    assert 'version = "0.2.0"' in (published.project / "pyproject.toml").read_text()
    assert hub.stats.lfs_bytes == 0, "weights and parquet files are unchanged and not sent again"
    for key, tags in published.tags().items():
        assert set(tags) == {"v0.1.0", "v0.2.0"} and tags["v0.1.0"] == v1[key]["v0.1.0"], key
    record = json.loads((published.project / "release.lock.json").read_text())
    assert record["version"] == "0.2.0" and record["code"]["commit"] == git(
        published.project, "rev-parse", "v0.2.0^{commit}"
    )
    pages_workflow_builds_at(published.project, "v0.2.0", published.tmp)
    # The bump refuses what would make no sense, before touching anything.
    for version, message in (("0.1.5", "not newer than the current version 0.2.0"), ("two", "is not a version")):
        assert message in error_line(published.make("release", f"VERSION={version}"))
    assert git(published.project, "status", "--porcelain", "--untracked-files=no") == ""


def pages_workflow_builds_at(project: Path, tag: str, tmp: Path) -> None:
    """Clone `tag` as actions/checkout would, then run pages.yml's own `run:` steps in a fresh environment that has
    only what the workflow installs (no torch, no project install): the page must build from what the tag holds."""
    clone = tmp / "pages-checkout"
    subprocess.run(["git", "clone", "-q", "--branch", tag, str(project), str(clone)], check=True, capture_output=True)
    workflow = yaml.safe_load((clone / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    steps = [step["run"] for step in workflow["jobs"]["build"]["steps"] if "run" in step]
    assert steps and any(".release_tools.page" in step for step in steps), steps
    venv = tmp / "pages-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # Not base_env: the install step reaches the package index, as on GitHub's runner.
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"} and not k.startswith("HF_")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    for step in steps:
        done = subprocess.run(
            ["bash", "-eo", "pipefail", "-c", step], cwd=clone, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, f"{step}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    built, local = (root / "build" / "release" / "page" / "index.html" for root in (clone, project))
    assert built.read_text(encoding="utf-8") == local.read_text(encoding="utf-8")  # the page make release built


FORGE = """
from huggingface_hub import CommitOperationAdd, HfApi
api = HfApi()
for repo_type, repo_id, files, revision in args["changes"]:
    if files:  # someone with write access commits other content...
        operations = [CommitOperationAdd(path, source) for path, source in files.items()]
        revision = api.create_commit(repo_id, operations, commit_message="Update", repo_type=repo_type).oid
    api.delete_tag(repo_id, tag="v0.1.0", repo_type=repo_type)  # ...and moves the tag onto it
    api.create_tag(repo_id, tag="v0.1.0", revision=revision, repo_type=repo_type)
print(json.dumps({}))
"""


def test_verify_release_trusts_the_local_record_not_the_hub(published: Published) -> None:
    hub = published.hub
    assert published.make("publish").returncode == 0
    git(published.project, "add", "release.lock.json")
    git(published.project, "commit", "-q", "-m", "release record of v0.1.0")
    code_commit = json.loads((published.project / "release.lock.json").read_text())["code"]["commit"]
    done = published.make("verify-release")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS: v0.1.0 is the release this project published, and it reproduces its results" in done.stdout
    assert f"✓ code commit {code_commit[:12]} carries git tag v0.1.0" in done.stdout
    for key in REPOS:
        assert f"✓ {key}: every file at v0.1.0 matches the record" in done.stdout, done.stdout
    assert "✓ evaluation re-run on the published split equals the model-index — Accuracy 0." in done.stdout

    released = {key: tags["v0.1.0"] for key, tags in published.tags().items()}

    def forge(files: dict[str, dict[str, bytes]]) -> subprocess.CompletedProcess:
        """Commit `files` (repository key -> path -> bytes) with the real client, move the tags onto them, run
        verify-release, then put the tags back where make publish left them."""
        changes = []
        for key, content in files.items():
            sources = {}
            for path, data in content.items():
                sources[path] = str(published.tmp / f"forged-{hashlib.sha256(data).hexdigest()}")
                Path(sources[path]).write_bytes(data)
            changes.append((REPOS[key][0], REPOS[key][1], sources, None))
        published.client(FORGE, changes=changes)
        verified = published.make("verify-release")
        published.client(FORGE, changes=[(REPOS[k][0], REPOS[k][1], {}, released[k]) for k in files])
        assert verified.returncode != 0 and "FAIL: v0.1.0 is not the release this project published" in verified.stdout
        assert "✗ the release's code is not run" in verified.stdout, verified.stdout
        return verified

    # The demo and the page Space are verified too, file by file.
    demo, page = published.at_tag("demo"), published.at_tag("page")
    failed = forge(
        {
            "demo": {"app.py": demo["app.py"] + b"\nprint('exfiltrate')\n"},
            "page": {"index.html": page["index.html"] + b"<script src=https://evil.example/x.js></script>"},
        }
    )
    assert "✗ demo app.py sha256 differs from the release record" in failed.stdout
    assert "✗ page index.html sha256 differs from the release record" in failed.stdout
    assert "✓ model: every file at v0.1.0" in failed.stdout and "✓ dataset: every file at v0.1.0" in failed.stdout

    # A forged code commit in the Hub's record is caught, and never shown as the release's code commit.
    model_id = REPOS["model"][1]
    hub_record = json.loads(hub.files(model_id, "model", "v0.1.0")["release.lock.json"])
    forged_commit = hashlib.sha1(b"forged").hexdigest()
    hub_record["code"]["commit"] = forged_commit
    failed = forge({"model": {"release.lock.json": json.dumps(hub_record, indent=2).encode()}})
    assert "✗ model release.lock.json at the tag differs from the local release record" in failed.stdout
    assert f"✓ code commit {code_commit[:12]} carries git tag v0.1.0" in failed.stdout
    assert forged_commit[:7] not in failed.stdout

    # Other weights (valid, and predicting the same labels: the numbers on the card stay true), the Hub's record
    # and the model card replaced together, consistently with each other: only the local record exposes them.
    import numpy as np
    from safetensors.numpy import load, save

    model = hub.files(model_id, "model", "v0.1.0")
    tensors = load(model["model.safetensors"])
    name = next(n for n in sorted(tensors) if tensors[n].dtype.kind == "f")
    tensors[name] = tensors[name].copy()
    tensors[name].flat[0] = np.nextafter(tensors[name].flat[0], np.inf)
    weights = save(tensors, metadata={"format": "pt"})
    card = model["README.md"] + b"\nFine-tuned further by a contributor.\n"
    hub_record = json.loads(model["release.lock.json"])
    files = hub_record["repositories"]["model"]["files"]
    files["model.safetensors"], files["README.md"] = (hashlib.sha256(b).hexdigest() for b in (weights, card))
    lock = json.dumps(hub_record, indent=2).encode()
    failed = forge({"model": {"model.safetensors": weights, "README.md": card, "release.lock.json": lock}})
    for problem in ("model.safetensors sha256 differs", "README.md sha256 differs", "release.lock.json at the tag"):
        assert problem in failed.stdout, failed.stdout

    missing = published.make("verify-release", "VERSION=9.9.9")
    assert "no release record of v9.9.9 here" in error_line(missing)


def test_release_public_asks_first(published: Published) -> None:
    hub = published.hub
    assert published.make("link-paper", "ARXIV=2501.01234").returncode == 0
    git(published.project, "commit", "-q", "-am", "paper")
    done = published.make("publish")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    collection = next(iter(hub.collections.values()))
    assert ("paper", "2501.01234") in {(i["type"], i["id"]) for i in collection["items"]}
    refused = published.make("release-public", stdin="no\n")
    assert "not confirmed, nothing changed" in error_line(refused)
    assert all(repo.private for repo in hub.repos.values())
    assert RESTART not in hub.stats.requests
    done = published.make("release-public", stdin="YES\n")
    assert done.returncode == 0, done.stderr
    assert not any(repo.private for repo in hub.repos.values())
    assert not any(c["private"] for c in hub.collections.values())
    # The demo Space, which could not read the private model, is restarted once the model is public, and the
    # command waits until it runs, saying each stage.
    model_public = hub.stats.requests.index(("PUT", f"/api/models/{REPOS['model'][1]}/settings"))
    assert hub.stats.requests.count(RESTART) == 1 and hub.stats.requests.index(RESTART) > model_public
    assert hub.space_stage(REPOS["demo"][1]) == "RUNNING"
    stages = [line.split()[2] for line in done.stdout.splitlines() if line.startswith("  demo Space: ")]
    assert stages == ["BUILDING", "APP_STARTING", "RUNNING"], done.stdout
    assert f"✓ demo Space {REPOS['demo'][1]} is running" in done.stdout
    assert published.make("release-public", "YES=1").returncode == 0  # idempotent, no prompt
    assert hub.stats.requests.count(RESTART) == 2


RESTART = ("POST", f"/api/spaces/{REPOS['demo'][1]}/restart")


@pytest.mark.parametrize(
    ("stages", "wait", "expected"),
    [
        (["BUILDING", "RUNTIME_ERROR"], "900", "stopped at RUNTIME_ERROR after the restart (its app crashed"),
        (["BUILDING", "BUILD_ERROR"], "900", "stopped at BUILD_ERROR after the restart (its build failed"),
        (["BUILDING"], "2", "is still BUILDING after 2 s"),
    ],
)
def test_release_public_says_in_one_line_when_the_demo_never_runs(
    published: Published, stages: list[str], wait: str, expected: str
) -> None:
    """The repositories exist (made with the client: what make publish put in them does not matter here), the demo
    Space stops in an error stage or never gets past BUILDING: one line naming the stage and what to do."""
    hub = published.hub
    published.client(
        """
        from huggingface_hub import HfApi
        for repo_type, repo_id, sdk in args["repos"]:
            HfApi().create_repo(repo_id, repo_type=repo_type, space_sdk=sdk, private=True)
        print("{}")
        """,
        repos=[[t, rid, {"demo": "gradio", "page": "static"}.get(key)] for key, (t, rid, _) in REPOS.items()],
    )
    demo = REPOS["demo"][1]
    hub.space_stages[demo] = stages
    done = published.make("release-public", "YES=1", env={"SPACE_WAIT_S": wait})
    line = error_line(done)
    assert expected in line and f"demo Space {demo}" in line and "the repositories are public" in line, line
    assert "make release-public YES=1" in line, line  # what to do: look, then restart or wait longer
    assert not any(repo.private for repo in hub.repos.values())
    assert hub.stats.requests.count(RESTART) == 1


def test_whoami_names_the_user_and_never_the_token(published: Published) -> None:
    done = published.make("whoami")
    assert done.returncode == 0, done.stderr
    assert "user: test-user  (token from HF_TOKEN, role write)" in done.stdout
    assert f"✓ can publish to {NAMESPACE}" in done.stdout
    # The Makefile never names the token, so `make -n` cannot echo it either.
    assert "HF_TOKEN" not in published.make("-n", "publish").stdout.replace("# Publishing reads", "")


def set_hub_ids(project: Path, namespace: str) -> None:
    path = project / "release.yaml"
    release = (
        path.read_text()
        .replace(f"{NAMESPACE}/", f"{namespace}/")
        .replace(f'namespace: "{NAMESPACE}"', f'namespace: "{namespace}"')
    )
    path.write_text(release)
    git(project, "commit", "-q", "-am", f"hub namespace {namespace}")


@pytest.mark.parametrize(
    "case",
    [
        "no_token",
        "read_token",
        "unknown_namespace",
        "name_taken",
        "network_down",
        "token_in_file",
        "dirty_tree",
        "page_is_demo",
        "javascript_link",
    ],
)
def test_bad_input_is_refused_in_one_line_and_nothing_is_tagged(published: Published, case: str) -> None:
    hub, env = published.hub, {}
    if case == "no_token":
        env = {"HF_TOKEN": ""}
        expected = "no Hugging Face token found; set HF_TOKEN"
    elif case == "read_token":
        env = {"HF_TOKEN": hub.read_token}
        expected = "the Hugging Face token (HF_TOKEN) is read-only"
    elif case == "unknown_namespace":
        set_hub_ids(published.project, "no-such-org")
        expected = "hub.namespace 'no-such-org' is neither your user nor one of your organisations"
    elif case == "name_taken":
        published.client(
            "from huggingface_hub import HfApi\nHfApi().create_repo(args['repo'], repo_type='model')\nprint('{}')",
            repo=REPOS["demo"][1],
        )
        expected = f"hub.demo is {REPOS['demo'][1]}, but that name already belongs to a model repository"
    elif case == "network_down":
        env = {"HF_ENDPOINT": "http://127.0.0.1:9"}
        expected = "cannot reach the Hub at http://127.0.0.1:9"
    elif case == "token_in_file":
        abstract = published.project / "page" / "abstract.md"
        abstract.write_text(abstract.read_text() + f"\nDebug: {hub.token}\n")
        git(published.project, "commit", "-q", "-am", "oops")
        expected = "build/release/page/index.html contains your Hugging Face token"
    elif case == "page_is_demo":  # both would be pushed into one Space
        release = published.project / "release.yaml"
        release.write_text(release.read_text().replace(f'page: "{REPOS["page"][1]}"', f'page: "{REPOS["demo"][1]}"'))
        git(published.project, "commit", "-q", "-am", "page into the demo Space")
        expected = f"release.yaml: field 'hub.page' is {REPOS['demo'][1]}, the same repository as hub.demo"
    elif case == "javascript_link":  # would be a link in the dataset card and the README
        release = published.project / "release.yaml"
        release.write_text(release.read_text().replace("page_url: null", 'page_url: "javascript:alert(1)"'))
        git(published.project, "commit", "-q", "-am", "page link")
        expected = "release.yaml: field 'links.page_url' is 'javascript:alert(1)'; use an https:// URL"
    else:
        (published.project / "configs" / "default.yaml").write_text("# edited\n", encoding="utf-8")
        expected = "the git tree has uncommitted changes (configs/default.yaml)"
    done = published.make("publish", env=env)
    assert expected in error_line(done), done.stderr
    assert all(tags == {} for tags in published.tags().values())
    assert hub.stats.total_commits == 0 and hub.stats.bytes_received == 0
    assert not (published.project / "release.lock.json").exists()
    if case == "dirty_tree":  # ... unless the researcher says so, and then the record says it too
        done = published.make("publish", "ALLOW_DIRTY=1")
        assert done.returncode == 0, done.stderr
        assert json.loads((published.project / "release.lock.json").read_text())["code"]["dirty"] is True
        assert "+ uncommitted changes" in hub.repo(REPOS["dataset"][1], "dataset").resolve("main").title


def test_plan_marks_changed_and_stale_files(published: Published) -> None:
    assert published.make("publish").returncode == 0
    # A file that is on the Hub but no longer staged is deleted by the next release's commit.
    published.client(
        "from huggingface_hub import HfApi\nHfApi().upload_file(path_or_fileobj=b'old', path_in_repo='notes/old.txt', "
        "repo_id=args['repo'], repo_type='space')\nprint('{}')",
        repo=REPOS["page"][1],
    )
    card = published.project / "cards" / "dataset_card.md.j2"
    card.write_text(card.read_text() + "\nMore about the data.\n")
    git(published.project, "commit", "-q", "-am", "dataset prose")
    plan = published.make("publish-plan")
    assert plan.returncode == 0, plan.stderr
    assert "changed   README.md" in plan.stdout and "deleted   notes/old.txt  3 bytes" in plan.stdout
    assert "tag v0.1.0 exists on OTHER content (1 files differ): publish will refuse" in plan.stdout
    assert "unchanged data/train.parquet" in plan.stdout


# With Xet storage (the real Hub's default) huggingface_hub commits a large folder in several commits; the loopback
# Hub does not emulate Xet, so the client takes upload_folder's single-commit path there. This shim, loaded into
# `make publish` through PYTHONPATH (sitecustomize), makes upload_folder do what the library documents for the Xet
# path (upload_folder's docstring, huggingface_hub/_upload_pipeline.py), with real commits against the server.
XET_PARTS_SHIM = '''"""HfApi.upload_folder committing in two parts, as huggingface_hub's Xet upload pipeline does (test_publish.py).

The pipeline commits the folder's files in batches, each a real commit of the batch's changed files (unchanged
ones are left out, and a batch without changes makes no commit); the deletions and `parent_commit` ride the first
commit only, later commits are titled "<message> (part N)", and the last commit's CommitInfo is returned. Here:
two batches, committed with create_commit. With MLRELEASE_TEST_FOREIGN_COMMIT=<repo id>, someone else commits to
that repository between the two parts, through the real client too.
"""

import os
from pathlib import Path

from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi
from huggingface_hub.utils import filter_repo_objects


def upload_folder(
    self, *, repo_id, folder_path, commit_message, commit_description=None, repo_type=None, delete_patterns=None,
    parent_commit=None, **unsupported
):
    assert not unsupported, f"the Xet shim does not emulate {sorted(unsupported)}"
    folder = Path(folder_path)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    additions = [CommitOperationAdd(p.relative_to(folder).as_posix(), str(p)) for p in files]
    added = {op.path_in_repo for op in additions}
    remote = self.list_repo_files(repo_id, repo_type=repo_type) if delete_patterns else []
    deletions = [
        CommitOperationDelete(path)
        for path in filter_repo_objects(remote, allow_patterns=delete_patterns)
        if path != ".gitattributes" and path not in added
    ]
    half = (len(additions) + 1) // 2
    last, commits = None, 0
    for batch in (additions[:half], additions[half:]):
        if commits == 1 and os.environ.get("MLRELEASE_TEST_FOREIGN_COMMIT") == repo_id:
            HfApi().upload_file(
                path_or_fileobj=b"Notes.", path_in_repo="NOTES.md", repo_id=repo_id, repo_type=repo_type,
                commit_message="Notes from a collaborator",
            )
        operations = (deletions if commits == 0 else []) + batch
        if not operations:
            continue
        head = self.repo_info(repo_id, repo_type=repo_type).sha
        info = self.create_commit(
            repo_id,
            operations,
            commit_message=commit_message if commits == 0 else f"{commit_message} (part {commits + 1})",
            commit_description=commit_description,
            repo_type=repo_type,
            parent_commit=parent_commit if commits == 0 else None,
        )
        if info.oid != head or last is None:  # on no change, create_commit returns the head and commits nothing
            last, commits = info, commits + (info.oid != head)
    return last


HfApi.upload_folder = upload_folder
'''


def xet_parts(published: Published, foreign_commit_to: str = "") -> dict[str, str]:
    """The environment that loads the Xet shim into `make publish`."""
    shim = published.tmp / "xet-shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(XET_PARTS_SHIM)
    return {"PYTHONPATH": str(shim), "MLRELEASE_TEST_FOREIGN_COMMIT": foreign_commit_to}


@pytest.mark.parametrize("parts", [1, 2])
def test_uploads_above_the_threshold_take_the_resumable_path(published_large: Published, parts: int) -> None:
    published = published_large
    hub = published.hub
    env = xet_parts(published) if parts == 2 else {}
    done = published.make("publish", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("above the large-upload threshold; using the resumable path") == 4
    published.assert_released()
    # The tag is on the last part (the model's on the release record committed on top of it), and the record
    # names that commit: the one that holds the release's files.
    record = json.loads((published.project / "release.lock.json").read_text())
    title = f"Release v0.1.0 (code {record['code']['commit'][:12]})"
    for key, (repo_type, repo_id, _) in REPOS.items():
        repo = hub.repo(repo_id, repo_type)
        tip = repo.commits[repo.tags["v0.1.0"]]
        if key == "model":
            assert tip.title == "Release record for v0.1.0"
            tip = repo.commits[tip.parent]
        assert record["repositories"][key]["commit"] == tip.oid, key
        parts_made = [f"{title} (part 2)", title] if parts == 2 else [title]
        assert [c.title for c in repo.history(tip)] == [*parts_made, "initial commit"], key
    hub.reset_stats()
    again = published.make("publish", env=env)
    assert again.returncode == 0 and "v0.1.0 is already published" in again.stdout, again.stdout + again.stderr
    assert hub.stats.total_commits == 0 and hub.stats.bytes_received == 0


def test_a_foreign_commit_between_two_parts_is_caught_and_nothing_is_tagged(published_large: Published) -> None:
    published = published_large
    dataset_type, dataset_id, _ = REPOS["dataset"]
    line = error_line(published.make("publish", env=xet_parts(published, foreign_commit_to=dataset_id)))
    assert f"someone else committed to dataset {dataset_id} during the upload ('Notes from a collaborator')" in line
    assert "nothing is tagged" in line
    untagged(published)
    repo = published.hub.repo(dataset_id, dataset_type)
    titles = [c.title for c in repo.history(repo.resolve("main"))]
    assert titles[1:] == ["Notes from a collaborator", titles[0].removesuffix(" (part 2)"), "initial commit"]


# ---------------------------------------------------------------- release integrity (issue 10)

AWS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"  # AWS's documented example keys: fake, but shaped like real ones
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def test_untracked_and_ignored_files_are_never_published(published: Published) -> None:
    package = published.project / "src" / "digits"
    (package / "extra.py").write_text("def helper():\n    return 42\n")
    (package / ".env").write_text(f"AWS_ACCESS_KEY_ID={AWS_KEY_ID}\nAWS_SECRET_ACCESS_KEY={AWS_SECRET}\n")
    assert git(published.project, "check-ignore", "src/digits/.env") == "src/digits/.env"
    line = error_line(published.make("publish"))
    assert "files git does not track sit where the release comes from (src/digits/extra.py)" in line
    assert "ALLOW_DIRTY=1" in line
    nothing_sent(published)

    # Published anyway: the record says so, and the demo Space still holds only what git tracks.
    done = published.make("publish", "ALLOW_DIRTY=1")
    assert done.returncode == 0, done.stdout + done.stderr
    demo = published.at_tag("demo")
    assert demo == published.staged("demo") and "app.py" in demo
    assert not [path for path in demo if path.endswith(("extra.py", ".env"))], sorted(demo)
    assert not [blob for blob in published.hub.blobs.values() if AWS_KEY_ID.encode() in blob]
    assert json.loads((published.project / "release.lock.json").read_text())["code"]["dirty"] is True
    assert "git gets no tag v0.1.0" in done.stdout and git(published.project, "tag", "--list") == ""


def test_a_symbolic_link_out_of_the_project_is_refused(published: Published) -> None:
    outside = published.tmp / "host-file"  # say /etc/hostname: any file outside the project
    outside.write_text("host secret\n")
    abstract = published.project / "page" / "abstract.md"
    abstract.unlink()
    abstract.symlink_to(outside)
    for state in ("in the working tree", "committed"):
        if state == "committed":
            git(published.project, "commit", "-q", "-am", "abstract as a link")
        line = error_line(published.make("publish"))
        assert "page/abstract.md is a symbolic link" in line, state
        nothing_sent(published)
    staged = published.project / "build" / "release"
    assert not [p for p in staged.rglob("*") if p.is_file() and b"host secret" in p.read_bytes()]


def test_numbers_edited_by_hand_are_refused_before_anything_is_sent(published: Published) -> None:
    path = published.project / "results" / "metrics.json"
    metrics = json.loads(path.read_text())
    metrics["accuracy"] = 0.99
    path.write_text(json.dumps(metrics, indent=2) + "\n")
    git(published.project, "commit", "-q", "-am", "better numbers")
    refused = published.make("publish")
    assert "make check-release found 1 ✗" in error_line(refused)
    assert re.search(
        r"✗ evaluation re-run on the published split equals the model-index — Accuracy: re-run 0\.8\d+, "
        r"reported 0\.990000 on 360 test examples",
        refused.stdout,
    ), refused.stdout
    nothing_sent(published)


def test_a_failed_tag_is_undone_and_a_half_tagged_version_on_other_content_is_rolled_back(
    published: Published,
) -> None:
    hub = published.hub
    hub.fail_next("create_tag", after=1)  # the dataset is tagged, then tagging the model fails
    line = error_line(published.make("publish"))
    assert f"tagging model {REPOS['model'][1]}" in line
    assert "the tags this run made were removed (dataset), so v0.1.0 is not released yet" in line
    untagged(published)

    # A half-tagged version, as an older run that died between tags left it: the dataset alone has the tag...
    published.client(
        "from huggingface_hub import HfApi\n"
        "HfApi().create_tag(args['repo'], tag='v0.1.0', repo_type='dataset')\nprint('{}')",
        repo=REPOS["dataset"][1],
    )
    # ... and the dataset card changed since: the next publish takes that tag back and releases v0.1.0 whole.
    card = published.project / "cards" / "dataset_card.md.j2"
    card.write_text(card.read_text() + "\nMore about the data.\n")
    git(published.project, "commit", "-q", "-am", "dataset prose")
    done = published.make("publish")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "v0.1.0 was half-tagged (dataset) on other content: rolled back (tags removed), releasing it whole now"
        in done.stdout
    )
    published.assert_released()
    assert b"More about the data." in published.at_tag("dataset")["README.md"]


@pytest.mark.parametrize("stage", ["mid_upload", "between_repositories", "between_tags"])
def test_a_publish_killed_at_any_moment_is_completed_by_the_next(published: Published, stage: str) -> None:
    hub = published.hub
    staged = {key: published.staged(key) for key in REPOS}
    dataset_lfs = [path for path in staged["dataset"] if path.endswith(".parquet")]
    model_lfs = [path for path in staged["model"] if path.endswith(".safetensors") or "tfevents" in path]
    if stage == "mid_upload":
        # The model's LFS files go up side by side after the dataset's: hold each once half of it arrived, so
        # the weights (~600 KB) are cut off in the middle.
        holds = [hub.hold_next("lfs_upload", after=len(dataset_lfs) + i, partial=True) for i in range(len(model_lfs))]
    elif stage == "between_repositories":
        holds = [hub.hold_next("commit", after=1)]  # the dataset is committed, the model's commit is held
    else:
        holds = [hub.hold_next("create_tag", after=1)]  # the dataset is tagged, the model's tag is held
    first = published.start("publish")
    try:
        for hold in holds:
            hold.wait(timeout=300)
        if stage == "mid_upload":
            received = hub.stats.lfs_bytes - sum(len(staged["dataset"][path]) for path in dataset_lfs)
            assert len(staged["model"]["model.safetensors"]) // 2 <= received
            assert received < sum(len(staged["model"][path]) for path in model_lfs)
        if stage == "between_repositories":  # meanwhile, a second publish stops at once and names the first
            line = error_line(published.make("publish"))
            holder = re.search(r"another release command is running .*\(make publish, process (\d+), since ", line)
            assert holder and os.getpgid(int(holder[1])) == first.pid, line
    finally:
        output = published.kill(first)
        for hold in holds:
            hold.release()
    assert "✓ make check-release passed" in output
    tagged = {key for key, tags in published.tags().items() if tags}
    assert tagged == ({"dataset"} if stage == "between_tags" else set())
    assert not (published.project / "release.lock.json").exists()
    assert git(published.project, "tag", "--list") == ""

    rerun = published.make("publish")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    if stage == "between_tags":
        assert "v0.1.0 is half-tagged (dataset) on this release's content: finishing it" in rerun.stdout
    published.assert_released()
    # Over both runs: one content commit per repository, plus the release record into the model.
    assert release_commits(published) == dict.fromkeys(REPOS, 1)
    assert hub.stats.commits == {(t, rid): 1 + (key == "model") for key, (t, rid, _) in REPOS.items()}


def test_someone_elses_public_repository_is_refused_unless_adopted(published: Published) -> None:
    hub = published.hub
    dataset_id = REPOS["dataset"][1]
    published.client(
        """
        from huggingface_hub import HfApi
        api = HfApi()
        api.create_repo(args["repo"], repo_type="dataset", private=False)
        api.upload_file(path_or_fileobj=b"Ours.", path_in_repo="NOTES.md", repo_id=args["repo"], repo_type="dataset")
        print(json.dumps({}))
        """,
        repo=dataset_id,
    )
    hub.reset_stats()
    line = error_line(published.make("publish"))
    assert (
        f"dataset {dataset_id} already exists and it is public, while hub.visibility in release.yaml is private" in line
    )
    assert "ADOPT=1" in line
    repo = hub.repo(dataset_id, "dataset")
    assert not repo.private and hub.files(dataset_id, "dataset")["NOTES.md"] == b"Ours."
    assert list(hub.repos) == [("dataset", dataset_id)] and hub.stats.total_commits == 0
    assert hub.stats.bytes_received == 0

    done = published.make("publish", "ADOPT=1")  # the researcher says it is theirs: its content becomes the release
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"note: adopting dataset {dataset_id} (ADOPT=1)" in done.stdout
    published.assert_released()
    assert "NOTES.md" not in hub.files(dataset_id, "dataset", "v0.1.0")
    # It stays public, and the output says so instead of claiming every repository is private.
    assert not repo.private and f"datasets/{dataset_id}/tree/v0.1.0  (public)" in done.stdout
    assert "The repositories are private" not in done.stdout


def test_a_file_someone_added_since_the_last_release_is_kept_unless_adopted(published: Published) -> None:
    hub = published.hub
    assert published.make("publish").returncode == 0
    model_id = REPOS["model"][1]
    published.client(  # a collaborator adds notes to the model repository
        "from huggingface_hub import HfApi\n"
        "HfApi().upload_file(path_or_fileobj=b'Theirs.', path_in_repo='NOTES.md', repo_id=args['repo'])\nprint('{}')",
        repo=model_id,
    )
    card = published.project / "cards" / "model_card.md.j2"
    card.write_text(card.read_text() + "\nErratum: one more sentence.\n")
    git(published.project, "commit", "-q", "-am", "erratum")
    hub.reset_stats()
    line = error_line(published.make("release", "VERSION=0.2.0"))
    assert f"model {model_id} already exists and it holds files no release of this project published (NOTES.md)" in line
    assert "ADOPT=1" in line and "make publish finishes the release" in line
    assert hub.files(model_id)["NOTES.md"] == b"Theirs." and hub.stats.total_commits == 0
    assert not any("v0.2.0" in tags for tags in published.tags().values())

    done = published.make("publish", "ADOPT=1")  # the bump is committed and tagged in git: publish finishes it
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"note: adopting model {model_id} (ADOPT=1)" in done.stdout
    published.assert_released("v0.2.0")
    assert "NOTES.md" not in hub.files(model_id, "model", "v0.2.0")


def test_an_upload_failing_after_every_retry_is_one_line(published: Published) -> None:
    # Every LFS upload fails, each retried by the client 5 times (sleeping 1+2+4+8+8 s) before it gives up.
    published.hub.fail_next("lfs_upload", count=100, drop=False)
    line = error_line(published.make("publish"))
    assert f"uploading to dataset {REPOS['dataset'][1]}: the Hub answered 500" in line, line
    assert "run the same command again" in line
    assert published.hub.stats.faults["lfs_upload"] >= 6 and published.hub.stats.total_commits == 0
    untagged(published)
