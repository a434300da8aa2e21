"""Publishing a generated project to the loopback Hub (`hub_server.py`) with the real huggingface_hub client.

One project is generated, trained for one epoch and committed once per session; every test works on its own
copy of it, against its own fresh server. The project's make targets run in a subprocess whose environment
points the client at the server (HF_ENDPOINT, HF_HUB_DISABLE_XET=1 for this server only) and sends anything
else to a dead proxy.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SHARED_ENV, render
from hub_server import HubServer

NAMESPACE = "test-user"
ANSWERS = {"hf_namespace": NAMESPACE, "project_slug": "digits", "package_name": "digits"}
REPOS = {  # key in release.yaml hub: -> (repo type, repo id, staged folder)
    "dataset": ("dataset", f"{NAMESPACE}/digits-data", "dataset"),
    "model": ("model", f"{NAMESPACE}/digits", "model"),
    "demo": ("space", f"{NAMESPACE}/digits-demo", "space"),
    "page": ("space", f"{NAMESPACE}/digits-page", "page"),
}
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ada",
    "GIT_AUTHOR_EMAIL": "ada@example.org",
    "GIT_COMMITTER_NAME": "Ada",
    "GIT_COMMITTER_EMAIL": "ada@example.org",
}


def base_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING")) and k.lower() not in PROXIES}
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    return {
        **env,
        **GIT_ENV,
        "HF_HOME": str(tmp / "hf-home"),  # no token or cache from the developer's machine
        "HF_HUB_CACHE": str(tmp / "hf-cache"),
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        "HF_HUB_DISABLE_UPDATE_CHECK": "1",
        "HTTP_PROXY": "http://127.0.0.1:9",  # anything not sent to 127.0.0.1 fails fast
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "127.0.0.1,localhost",
    }


PROXIES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


def git(project: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(scope="session")
def trained_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated project with data, a one-epoch checkpoint, results and cards, committed to git."""
    project = render(tmp_path_factory.mktemp("publish") / "digits", ANSWERS)
    env = base_env(project.parent)
    git(project, "init", "-q", "-b", "main")
    for target in ("data", "train", "eval", "benchmark", "cards"):
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
        output = done.stdout + done.stderr
        assert self.hub.token not in output and self.hub.read_token not in output, "a token leaked into the output"
        assert not self.hub.errors, self.hub.errors
        return done

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


@pytest.fixture
def published(trained_project: Path, tmp_path: Path) -> Iterator[Published]:
    project = tmp_path / "digits"
    shutil.copytree(trained_project, project, symlinks=True)
    with HubServer(user=NAMESPACE) as hub:
        yield Published(project, hub, tmp_path)


def error_line(done: subprocess.CompletedProcess) -> str:
    """The one line a refused command prints (make adds its own `make: *** ...` line after it)."""
    lines = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, done.stderr
    assert done.returncode != 0
    return lines[0]


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
    refused = published.make("publish")
    assert "already has tag v0.1.0 on other content" in error_line(refused)
    assert "make release VERSION=" in error_line(refused)
    assert hub.stats.total_commits == 0 and hub.stats.bytes_received == 0

    done = published.make("release", "VERSION=0.2.0")
    assert done.returncode == 0, done.stdout + done.stderr
    assert git(published.project, "tag", "--list") == "v0.2.0"
    assert git(published.project, "log", "-1", "--format=%s") == "Release v0.2.0"
    assert "version: 0.2.0" in (published.project / "release.yaml").read_text()
    assert 'version = "0.2.0"' in (published.project / "pyproject.toml").read_text()
    assert hub.stats.lfs_bytes == 0, "weights and parquet files are unchanged and not sent again"
    for key, tags in published.tags().items():
        assert set(tags) == {"v0.1.0", "v0.2.0"} and tags["v0.1.0"] == v1[key]["v0.1.0"], key
    record = json.loads((published.project / "release.lock.json").read_text())
    assert record["version"] == "0.2.0" and record["code"]["commit"] == git(published.project, "rev-parse", "HEAD")
    # The bump refuses what would make no sense, before touching anything.
    for version, message in (("0.1.5", "not newer than the current version 0.2.0"), ("two", "is not a version")):
        assert message in error_line(published.make("release", f"VERSION={version}"))
    assert git(published.project, "status", "--porcelain", "--untracked-files=no") == ""


def test_verify_release_passes_and_catches_tampered_weights(published: Published) -> None:
    assert published.make("publish").returncode == 0
    done = published.make("verify-release")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS: v0.1.0 reproduces its published results" in done.stdout
    assert "✓ model files match release.lock.json" in done.stdout and "✓ Accuracy: re-run" in done.stdout, done.stdout

    # Someone replaces the weights with other (valid) ones and moves the tag onto that commit.
    model_id = REPOS["model"][1]
    published.client(
        """
        import torch
        from huggingface_hub import HfApi, hf_hub_download
        from safetensors.torch import load_file, save_file
        api = HfApi()
        weights = load_file(hf_hub_download(args["repo"], "model.safetensors", revision="v0.1.0"))
        torch.manual_seed(0)
        save_file({k: torch.randn_like(v) for k, v in weights.items()}, "tampered.safetensors")
        info = api.upload_file(path_or_fileobj="tampered.safetensors", path_in_repo="model.safetensors", repo_id=args["repo"])
        api.delete_tag(args["repo"], tag="v0.1.0")
        api.create_tag(args["repo"], tag="v0.1.0", revision=info.oid)
        print(json.dumps({}))
        """,
        repo=model_id,
    )
    failed = published.make("verify-release", "VERSION=0.1.0")
    assert failed.returncode != 0
    assert "✗ model model.safetensors sha256 differs from the release record" in failed.stdout
    assert "✗ Accuracy: re-run" in failed.stdout, failed.stdout
    assert "FAIL: v0.1.0 does not reproduce" in failed.stdout
    missing = published.make("verify-release", "VERSION=9.9.9")
    assert "has no tag v9.9.9" in error_line(missing)


def test_release_public_asks_first(published: Published) -> None:
    hub = published.hub
    assert published.make("link-paper", "ARXIV=2501.01234").returncode == 0
    git(published.project, "commit", "-q", "-am", "paper")
    assert published.make("publish").returncode == 0
    collection = next(iter(hub.collections.values()))
    assert ("paper", "2501.01234") in {(i["type"], i["id"]) for i in collection["items"]}
    refused = published.make("release-public", stdin="no\n")
    assert "not confirmed, nothing changed" in error_line(refused)
    assert all(repo.private for repo in hub.repos.values())
    done = published.make("release-public", stdin="YES\n")
    assert done.returncode == 0, done.stderr
    assert not any(repo.private for repo in hub.repos.values())
    assert not any(c["private"] for c in hub.collections.values())
    assert published.make("release-public", "YES=1").returncode == 0  # idempotent, no prompt


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
    ["no_token", "read_token", "unknown_namespace", "name_taken", "network_down", "token_in_file", "dirty_tree"],
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


def test_uploads_above_the_threshold_take_the_resumable_path(published: Published) -> None:
    release = published.project / "release.yaml"
    release.write_text(release.read_text().replace("large_folder_threshold_gb: 5", "large_folder_threshold_gb: 0"))
    git(published.project, "commit", "-q", "-am", "every upload is large")
    done = published.make("publish")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("above the large-upload threshold; using the resumable path") == 4
    for key, (repo_type, repo_id, _) in REPOS.items():
        files = published.hub.files(repo_id, repo_type, "v0.1.0")
        files.pop(".gitattributes")
        files.pop("release.lock.json", None)
        assert files == published.staged(key), key
    hub = published.hub
    hub.reset_stats()
    assert published.make("publish").returncode == 0
    assert hub.stats.total_commits == 0 and hub.stats.bytes_received == 0
