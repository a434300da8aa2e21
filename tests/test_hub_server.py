"""The test Hub server (`hub_server.py`) against the real, unpatched `huggingface_hub` client.

The client runs in a subprocess: `huggingface_hub.constants` reads HF_ENDPOINT and HF_HUB_DISABLE_XET when it is
imported, so a fresh interpreter started with the environment already set is the only way to point every entry
point (HfApi, hf_hub_download, snapshot_download) at the server without monkeypatching the client. It is also how
a release script would run.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hub_server import DEFAULT_GITATTRIBUTES, HubServer, git_blob_sha1

LARGE_SIZE = 10 * 1024 * 1024 + 4096  # just above the 10 MiB limit of regular git files: must go through LFS
REPO = "test-user/model"

# Runs before every client script. The asserts catch an environment set too late (after import).
PRELUDE = """
import hashlib, json, os, sys
from pathlib import Path
from huggingface_hub import HfApi, constants, get_hf_file_metadata, hf_hub_download, hf_hub_url, snapshot_download
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError
assert constants.ENDPOINT == os.environ["HF_ENDPOINT"], constants.ENDPOINT
assert constants.HF_HUB_DISABLE_XET
api = HfApi()
args = json.loads(sys.argv[1])
def emit(**result):
    print("RESULT " + json.dumps(result, default=str), flush=True)
def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
"""


def _client_command(scripts: tuple[str, ...], args: dict) -> list[str]:
    return [sys.executable, "-c", PRELUDE + "".join(textwrap.dedent(script) for script in scripts), json.dumps(args)]


def _last_result(stdout: str) -> dict:
    results = [line[len("RESULT ") :] for line in stdout.splitlines() if line.startswith("RESULT ")]
    return json.loads(results[-1]) if results else {}


def run_client(*scripts: str, **args: Any) -> dict:
    """Run `scripts` with the real client in a fresh interpreter; return what the last `emit` call passed."""
    proc = subprocess.run(_client_command(scripts, args), capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, f"client script failed:\n{proc.stdout}\n{proc.stderr}"
    return _last_result(proc.stdout)


@contextmanager
def background_client(*scripts: str, **args: Any) -> Iterator[subprocess.Popen[str]]:
    """Like `run_client`, but started in the background, in a session of its own: a test holds one of its
    requests (`HubServer.hold_next`), then kills it with `kill_client` or lets it finish with `client_result`.
    A client still running when the block ends is killed, so a failing test leaves no process behind."""
    proc = subprocess.Popen(
        _client_command(scripts, args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            kill_client(proc)
        for stream in (proc.stdout, proc.stderr):
            stream.close()  # type: ignore[union-attr]


def kill_client(proc: subprocess.Popen[str]) -> None:
    """SIGKILL the client and everything it started (its session's process group): nothing gets to clean up."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def client_result(proc: subprocess.Popen[str]) -> dict:
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, f"client script failed:\n{stdout}\n{stderr}"
    return _last_result(stdout)


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    with HubServer() as server:
        for name in ("HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "HUGGINGFACE_CO_STAGING", "HF_HUB_ENABLE_HF_TRANSFER"):
            monkeypatch.delenv(name, raising=False)
        for name in ("http_proxy", "https_proxy", "all_proxy", "ALL_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        env = {
            "HF_ENDPOINT": server.url,
            "HF_HUB_DISABLE_XET": "1",
            "HF_TOKEN": server.token,
            "HF_HOME": str(tmp_path / "hf-home"),  # no stored token or config from the developer's machine
            "HF_HUB_CACHE": str(tmp_path / "hf-cache"),
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "HF_HUB_DISABLE_PROGRESS_BARS": "1",
            "HF_HUB_DISABLE_UPDATE_CHECK": "1",
            # Any request not addressed to the local server goes to a dead proxy and fails fast.
            "HTTP_PROXY": "http://127.0.0.1:9",
            "HTTPS_PROXY": "http://127.0.0.1:9",
            "NO_PROXY": "127.0.0.1,localhost",
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        yield server
    assert server.unhandled == [], f"the client called endpoints the server lacks: {server.unhandled}"
    assert server.errors == [], "\n".join(server.errors)


@pytest.fixture(scope="module")
def large_bytes() -> bytes:
    return os.urandom(LARGE_SIZE)


@pytest.fixture
def release_dir(tmp_path: Path, large_bytes: bytes) -> Path:
    """What a release uploads: a model card, a small config, a nested text file and a large binary."""
    folder = tmp_path / "release"
    (folder / "docs").mkdir(parents=True)
    (folder / "README.md").write_text("---\nlicense: mit\n---\n# Test model\n")
    (folder / "config.json").write_text('{"hidden_size": 8}\n')
    (folder / "docs" / "notes.txt").write_text("release notes\n")
    (folder / "weights.dat").write_bytes(large_bytes)  # not an LFS pattern: LFS because of its size alone
    return folder


def local_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


UPLOAD = """
api.create_repo(args["repo"], repo_type=args.get("type"), exist_ok=True)
info = api.upload_folder(repo_id=args["repo"], repo_type=args.get("type"), folder_path=args["folder"],
                         delete_patterns=args.get("delete"))
if args.get("tag"):
    api.create_tag(args["repo"], repo_type=args.get("type"), tag=args["tag"])
emit(oid=info.oid, url=info.commit_url)
"""


def test_create_repo_of_each_type_twice_with_exist_ok(hub: HubServer) -> None:
    repos = [["test-user/m", None, None], ["test-org/d", "dataset", None]]
    repos += [["test-user/g", "space", "gradio"], ["test-user/s", "space", "static"]]
    result = run_client(
        """
        out = {}
        for repo_id, kind, sdk in args["repos"]:
            urls = [str(api.create_repo(repo_id, repo_type=kind, space_sdk=sdk, exist_ok=True)) for _ in range(2)]
            info = api.repo_info(repo_id, repo_type=kind)
            out[repo_id] = {"urls": urls, "sha": info.sha, "sdk": getattr(info, "sdk", None)}
        try:
            api.create_repo(args["repos"][0][0])
        except HfHubHTTPError as err:
            out["conflict"] = err.response.status_code
        out["whoami"] = api.whoami()["name"]
        emit(**out)
        """,
        repos=repos,
    )
    assert result.pop("conflict") == 409 and result.pop("whoami") == "test-user"
    prefixes = {None: "", "dataset": "datasets/", "space": "spaces/"}
    for repo_id, kind, sdk in repos:
        assert result[repo_id]["urls"] == [f"{hub.url}/{prefixes[kind]}{repo_id}"] * 2
        assert result[repo_id]["sha"] == hub.head(repo_id, kind or "model")
        assert result[repo_id]["sdk"] == sdk
    assert set(hub.files("test-user/g", "space")) == {".gitattributes"}  # the initial commit the Hub makes
    assert hub.stats.total_commits == 0 and hub.stats.bytes_received == 0


def test_upload_folder_lfs_tag_and_downloads(hub: HubServer, release_dir: Path) -> None:
    result = run_client(
        UPLOAD,
        """
        repo = args["repo"]
        emit(
            files=api.list_repo_files(repo),
            tag={f: sha256(hf_hub_download(repo, f, revision="v0.1.0")) for f in ("config.json", "weights.dat")},
            main={f: sha256(hf_hub_download(repo, f)) for f in ("config.json", "weights.dat")},
            meta={f: get_hf_file_metadata(hf_hub_url(repo, f)).__dict__ for f in ("config.json", "weights.dat")},
            lfs={f.path: bool(f.lfs) for f in api.list_repo_tree(repo, recursive=True) if hasattr(f, "lfs")},
        )
        """,
        repo=REPO,
        folder=str(release_dir),
        tag="v0.1.0",
    )
    local = local_files(release_dir)
    assert result["files"] == sorted([".gitattributes", *local])
    assert result["tag"] == result["main"] == {f: hashlib.sha256(local[f]).hexdigest() for f in result["main"]}
    assert result["lfs"] == {".gitattributes": False, **{f: f == "weights.dat" for f in local}}
    # ETags as the Hub sends them: git blob sha1 for regular files, sha256 (via X-Linked-Etag) for LFS files.
    head = hub.head(REPO)
    assert result["meta"]["config.json"]["etag"] == git_blob_sha1(local["config.json"])
    assert result["meta"]["weights.dat"]["etag"] == hashlib.sha256(local["weights.dat"]).hexdigest()
    assert result["meta"]["weights.dat"]["size"] == LARGE_SIZE
    assert {meta["commit_hash"] for meta in result["meta"].values()} == {head}
    assert hub.repo(REPO).tags == {"v0.1.0": head}
    assert hub.files(REPO) == {".gitattributes": DEFAULT_GITATTRIBUTES, **local}
    assert hub.stats.lfs_bytes == LARGE_SIZE and hub.stats.lfs_uploads == 1
    assert hub.stats.commits == {("model", REPO): 1}


def test_republishing_sends_nothing_and_commits_nothing(hub: HubServer, release_dir: Path) -> None:
    first = run_client(UPLOAD, repo=REPO, folder=str(release_dir))
    hub.reset_stats()
    again = run_client(UPLOAD, repo=REPO, folder=str(release_dir))
    # The client asks preupload for the remote oids, sees nothing changed and skips the commit entirely: it returns
    # the current head instead of creating an empty commit. It still asks the LFS batch endpoint (which answers
    # "already present") before that check, so the large file is not sent again either.
    assert again["oid"] == first["oid"] == hub.head(REPO)
    assert hub.stats.bytes_received == 0 and hub.stats.total_commits == 0 and hub.stats.lfs_uploads == 0
    assert not [path for method, path in hub.stats.requests if method == "PUT" or path.endswith("/commit/main")]

    # Changing one small file sends just that file, in one commit.
    (release_dir / "config.json").write_text('{"hidden_size": 16}\n')
    hub.reset_stats()
    run_client(UPLOAD, repo=REPO, folder=str(release_dir))
    assert hub.stats.regular_bytes == len('{"hidden_size": 16}\n') and hub.stats.lfs_bytes == 0
    assert hub.stats.total_commits == 1


def test_delete_patterns_and_deletions(hub: HubServer, release_dir: Path) -> None:
    (release_dir / "docs" / "extra.txt").write_text("extra\n")
    run_client(UPLOAD, repo=REPO, folder=str(release_dir))
    (release_dir / "docs" / "notes.txt").unlink()
    (release_dir / "CHANGELOG.md").write_text("v0.2.0\n")
    hub.reset_stats()
    run_client(UPLOAD, repo=REPO, folder=str(release_dir), delete="*")
    # "*" mirrors the folder: stale files go, `.gitattributes` is always kept by the client, unchanged files stay.
    assert set(hub.files(REPO)) == {".gitattributes", *local_files(release_dir)}
    assert hub.stats.total_commits == 1 and hub.stats.lfs_bytes == 0

    result = run_client(
        """
        api.delete_folder("docs", repo_id=args["repo"])
        api.delete_file("CHANGELOG.md", repo_id=args["repo"])
        try:
            api.delete_file("CHANGELOG.md", repo_id=args["repo"])
        except HfHubHTTPError as err:
            emit(error=type(err).__name__)
        """,
        repo=REPO,
    )
    assert result == {"error": "RemoteEntryNotFoundError"}
    assert set(hub.files(REPO)) == {".gitattributes", "README.md", "config.json", "weights.dat"}


def test_tags_branches_refs_and_commits(hub: HubServer, release_dir: Path) -> None:
    v1 = run_client(UPLOAD, repo=REPO, folder=str(release_dir), tag="v0.1.0")["oid"]
    (release_dir / "config.json").write_text('{"hidden_size": 32}\n')
    result = run_client(
        UPLOAD,
        """
        repo = args["repo"]
        try:
            api.create_tag(repo, tag="v0.1.0")
        except HfHubHTTPError as err:
            conflict = err.response.status_code
        api.create_tag(repo, tag="v0.1.0", exist_ok=True)
        api.create_branch(repo, branch="release", revision="v0.1.0")
        refs = api.list_repo_refs(repo)
        configs = {rev: Path(hf_hub_download(repo, "config.json", revision=rev)).read_text()
                   for rev in ("v0.1.0", "v0.2.0", "release", "main")}
        api.delete_tag(repo, tag="v0.2.0")
        emit(
            conflict=conflict,
            branches={r.name: r.target_commit for r in refs.branches},
            tags={r.name: r.target_commit for r in refs.tags},
            configs=configs,
            titles=[c.title for c in api.list_repo_commits(repo)],
            exists=[api.revision_exists(repo, rev) for rev in ("v0.1.0", "v0.2.0")],
        )
        """,
        repo=REPO,
        folder=str(release_dir),
        tag="v0.2.0",
    )
    v2 = hub.head(REPO)
    assert result["conflict"] == 409
    assert result["branches"] == {"main": v2, "release": v1}
    assert result["tags"] == {"v0.1.0": v1, "v0.2.0": v2}
    assert result["configs"]["v0.1.0"] == result["configs"]["release"] == '{"hidden_size": 8}\n'
    assert result["configs"]["v0.2.0"] == result["configs"]["main"] == '{"hidden_size": 32}\n'
    assert result["titles"] == ["Upload folder using huggingface_hub"] * 2 + ["initial commit"]
    assert result["exists"] == [True, False]


def test_snapshot_download_at_tag_into_empty_cache(hub: HubServer, release_dir: Path, tmp_path: Path) -> None:
    released = local_files(release_dir)
    run_client(UPLOAD, repo=REPO, folder=str(release_dir), tag="v0.1.0")
    (release_dir / "weights.dat").write_bytes(b"changed on main after the release")
    run_client(UPLOAD, repo=REPO, folder=str(release_dir))
    result = run_client(
        """
        snapshot = snapshot_download(args["repo"], revision="v0.1.0", cache_dir=args["cache"])
        local = snapshot_download(args["repo"], revision="v0.1.0", local_dir=args["local"])
        emit(snapshot=snapshot, local=local)
        """,
        repo=REPO,
        cache=str(tmp_path / "empty-cache"),
        local=str(tmp_path / "local-dir"),
    )
    tag_commit = hub.repo(REPO).tags["v0.1.0"]
    assert Path(result["snapshot"]).name == tag_commit
    for folder in (Path(result["snapshot"]), Path(result["local"])):
        downloaded = {k: v for k, v in local_files(folder).items() if not k.startswith(".cache/")}
        assert downloaded == {**released, ".gitattributes": DEFAULT_GITATTRIBUTES}


def test_private_repo_is_hidden_without_token(hub: HubServer, release_dir: Path) -> None:
    result = run_client(
        """
        repo = args["repo"]
        api.create_repo(repo, private=True)
        api.upload_file(repo_id=repo, path_or_fileobj=b"secret", path_in_repo="secret.txt")
        anonymous, reader = HfApi(token=False), HfApi(token=args["read_token"])
        out = {"owner_sees": api.repo_info(repo).private}
        for name, call in {
            "anonymous_info": lambda: anonymous.repo_info(repo),
            "anonymous_download": lambda: hf_hub_download(repo, "secret.txt", token=False),
            "reader_upload": lambda: reader.upload_file(repo_id=repo, path_or_fileobj=b"x", path_in_repo="x.txt"),
        }.items():
            try:
                call()
                out[name] = "allowed"
            except HfHubHTTPError as err:
                out[name] = [type(err).__name__, err.response.status_code]
        out["reader_reads"] = Path(hf_hub_download(repo, "secret.txt", token=args["read_token"])).read_text()
        api.update_repo_settings(repo, private=False)
        out["public_after_settings"] = anonymous.repo_info(repo).private is False
        emit(**out)
        """,
        repo="test-user/private",
        read_token=hub.read_token,
    )
    assert result == {
        "owner_sees": True,
        "anonymous_info": ["RepositoryNotFoundError", 401],
        "anonymous_download": ["RepositoryNotFoundError", 401],
        "reader_upload": ["HfHubHTTPError", 403],
        "reader_reads": "secret",
        "public_after_settings": True,
    }


def test_folder_with_many_files(hub: HubServer, tmp_path: Path) -> None:
    """huggingface_hub 2.4.0 has no `upload_large_folder` any more: `upload_folder` took its place, and its
    multi-commit pipeline needs Xet, so with Xet disabled a whole folder is one `create_commit`."""
    folder = tmp_path / "dataset"
    for i in range(60):
        (folder / f"part-{i % 3}").mkdir(parents=True, exist_ok=True)
        (folder / f"part-{i % 3}" / f"shard-{i:03d}.jsonl").write_text(json.dumps({"row": i}) + "\n")
    for i in range(3):  # small, but an LFS pattern: uploaded by parallel LFS PUTs
        (folder / f"data-{i}.parquet").write_bytes(b"PAR1" + bytes([i]) * 1000)
    result = run_client(
        """
        api.create_repo(args["repo"], repo_type="dataset")
        has_large = hasattr(api, "upload_large_folder")
        if has_large:
            api.upload_large_folder(repo_id=args["repo"], folder_path=args["folder"], repo_type="dataset")
        else:
            api.upload_folder(repo_id=args["repo"], folder_path=args["folder"], repo_type="dataset")
        emit(has_large=has_large, files=api.list_repo_files(args["repo"], repo_type="dataset"))
        """,
        repo="test-org/data",
        folder=str(folder),
    )
    expected = local_files(folder)
    assert result["files"] == sorted([".gitattributes", *expected])
    assert {k: v for k, v in hub.files("test-org/data", "dataset").items() if k != ".gitattributes"} == expected
    tree = hub.repo("test-org/data", "dataset").resolve("main").files  # type: ignore[union-attr]
    assert sorted(path for path, entry in tree.items() if entry.lfs) == [f"data-{i}.parquet" for i in range(3)]
    if not result["has_large"]:
        assert hub.stats.total_commits == 1


# A release as a publisher would script it: the tag is created only if the upload went through.
RELEASE = (
    "try:"
    + textwrap.indent(UPLOAD, "    ")
    + "except HfHubHTTPError as err:\n    emit(error=type(err).__name__, status=err.response.status_code)\n"
)


def test_failed_commit_leaves_no_trace_and_rerun_completes(hub: HubServer, release_dir: Path) -> None:
    run_client("api.create_repo(args['repo'])", repo=REPO)
    before = hub.head(REPO)
    hub.fail_next("commit")
    failed = run_client(RELEASE, repo=REPO, folder=str(release_dir), tag="v0.1.0")
    assert failed == {"error": "HfHubHTTPError", "status": 500}
    assert hub.head(REPO) == before and hub.repo(REPO).tags == {} and set(hub.files(REPO)) == {".gitattributes"}
    assert hub.stats.lfs_bytes == LARGE_SIZE  # LFS content goes up before the commit...

    hub.reset_stats()
    done = run_client(RELEASE, repo=REPO, folder=str(release_dir), tag="v0.1.0")
    assert done["oid"] == hub.head(REPO) == hub.repo(REPO).tags["v0.1.0"]
    assert hub.stats.lfs_bytes == 0 and hub.stats.total_commits == 1  # ...so the rerun does not send it again


def test_dropped_lfs_upload_is_retried_by_the_client(hub: HubServer, release_dir: Path) -> None:
    hub.fail_next("lfs_upload")
    run_client(UPLOAD, repo=REPO, folder=str(release_dir))
    assert hub.stats.faults["lfs_upload"] == 1 and hub.stats.lfs_uploads == 1
    assert LARGE_SIZE < hub.stats.lfs_bytes < 2 * LARGE_SIZE  # the dropped part, then the whole file
    assert hub.files(REPO)["weights.dat"] == (release_dir / "weights.dat").read_bytes()


def test_space_runtime_goes_through_its_stages_after_a_push_and_a_restart(hub: HubServer) -> None:
    hub.space_stages["test-user/broken"] = ["BUILDING", "RUNTIME_ERROR"]  # a Space whose app crashes on start
    result = run_client(
        """
        out = {}
        for repo_id, sdk in (("test-user/demo", "gradio"), ("test-user/page", "static"), ("test-user/broken", "gradio")):
            api.create_repo(repo_id, repo_type="space", space_sdk=sdk, private=True)
        out["new"] = api.get_space_runtime("test-user/demo").stage
        api.upload_file(path_or_fileobj=b"import gradio\\n", path_in_repo="app.py", repo_id="test-user/demo",
                        repo_type="space")
        out["info"] = api.space_info("test-user/demo").runtime.stage  # reading the info does not move it on
        out["pushed"] = [api.get_space_runtime("test-user/demo").stage for _ in range(4)]
        out["restart"] = api.restart_space("test-user/demo").stage
        out["restarted"] = [api.get_space_runtime("test-user/demo").stage for _ in range(3)]
        out["hardware"] = api.get_space_runtime("test-user/demo").hardware
        out["static"] = api.get_space_runtime("test-user/page").stage
        try:
            api.restart_space("test-user/page")
        except HfHubHTTPError as err:
            out["static_restart"] = err.response.status_code
        api.restart_space("test-user/broken")
        broken = [api.get_space_runtime("test-user/broken") for _ in range(2)]
        out["broken"] = [r.stage for r in broken]
        out["error"] = broken[-1].raw.get("errorMessage")
        reader = HfApi(token=args["read_token"])  # may read the runtime, not restart the Space
        out["read"] = reader.get_space_runtime("test-user/demo").stage
        try:
            reader.restart_space("test-user/demo")
        except HfHubHTTPError as err:
            out["read_restart"] = err.response.status_code
        try:
            HfApi(token=False).get_space_runtime("test-user/demo")
        except HfHubHTTPError as err:
            out["anonymous"] = err.response.status_code
        emit(**out)
        """,
        read_token=hub.read_token,
    )
    assert result["new"] == "NO_APP_FILE" and result["info"] == "BUILDING"
    assert result["pushed"] == ["BUILDING", "APP_STARTING", "RUNNING", "RUNNING"]
    assert result["restart"] == "BUILDING" and result["restarted"] == ["APP_STARTING", "RUNNING", "RUNNING"]
    assert result["hardware"] == "cpu-basic" and result["static"] == "RUNNING" and result["static_restart"] == 400
    assert result["broken"] == ["RUNTIME_ERROR", "RUNTIME_ERROR"] and "crashed" in result["error"]
    assert result["read"] == "RUNNING" and result["read_restart"] == 403 and result["anonymous"] == 401
    assert hub.space_stage("test-user/demo") == "RUNNING"
    assert hub.stats.requests.count(("POST", "/api/spaces/test-user/demo/restart")) == 2  # the owner, the reader


def test_collection_with_an_item(hub: HubServer) -> None:
    result = run_client(
        """
        api.create_repo(args["repo"])
        collection = api.create_collection("Release v0.1.0", description="first release")
        api.add_collection_item(collection.slug, args["repo"], "model", note="the model")
        api.add_collection_item(collection.slug, args["repo"], "model", exists_ok=True)
        again = api.create_collection("Release v0.1.0", exists_ok=True)
        fetched = api.get_collection(collection.slug)
        items = [(i.item_id, i.item_type, i.note) for i in fetched.items]
        listed = [c.slug for c in api.list_collections(owner="test-user")]
        api.delete_collection_item(collection.slug, fetched.items[0].item_object_id)
        emptied = api.get_collection(collection.slug).items
        api.delete_collection(collection.slug)
        try:
            api.get_collection(collection.slug)
        except HfHubHTTPError as err:
            missing = err.response.status_code
        emit(slug=collection.slug, again=again.slug, title=fetched.title, items=items, listed=listed,
             emptied=emptied, missing=missing)
        """,
        repo=REPO,
    )
    assert result["slug"].startswith("test-user/release-v0-1-0-") and result["again"] == result["slug"]
    assert result["title"] == "Release v0.1.0"
    assert result["items"] == [[REPO, "model", "the model"]]
    assert result["listed"] == [result["slug"]] and result["emptied"] == []
    assert result["missing"] == 404 and hub.collections == {}


def _http(hub: HubServer, method: str, path: str, token: str | None = None, body: bytes | None = None, **headers):
    """Raw request with the stdlib, bypassing any proxy settings."""
    request = urllib.request.Request(hub.url + path, data=body, method=method, headers=headers)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def test_raw_protocol_auth_commit_and_ranges(hub: HubServer) -> None:
    create = json.dumps({"name": "raw", "type": "dataset"}).encode()
    assert _http(hub, "POST", "/api/repos/create", body=create)[0] == 401
    assert _http(hub, "POST", "/api/repos/create", "hf_unknown", create)[0] == 401
    assert _http(hub, "POST", "/api/repos/create", hub.read_token, create)[0] == 403
    assert _http(hub, "POST", "/api/repos/create", hub.token, create)[0] == 200

    ndjson = b"\n".join(
        json.dumps(line).encode()
        for line in [
            {"key": "header", "value": {"summary": "add data", "parentCommit": hub.head("test-user/raw", "dataset")}},
            {"key": "file", "value": {"path": "data/a.txt", "content": "MDEyMzQ1Njc4OQ==", "encoding": "base64"}},
        ]
    )
    commit_path = "/api/datasets/test-user/raw/commit/main"
    status, _, body = _http(hub, "POST", commit_path, hub.token, ndjson, **{"Content-Type": "application/x-ndjson"})
    assert status == 200 and json.loads(body)["commitOid"] == hub.head("test-user/raw", "dataset")
    assert _http(hub, "POST", commit_path, hub.token, ndjson)[0] == 412  # parentCommit is no longer the head

    url = "/datasets/test-user/raw/resolve/main/data%2Fa.txt".replace("%2F", "/")
    status, headers, body = _http(hub, "HEAD", url)
    assert status == 200 and body == b"" and headers["Content-Length"] == "10"
    assert headers["ETag"] == f'"{git_blob_sha1(b"0123456789")}"'
    assert headers["X-Repo-Commit"] == hub.head("test-user/raw", "dataset")
    status, headers, body = _http(hub, "GET", url, Range="bytes=2-5")
    assert (status, body, headers["Content-Range"]) == (206, b"2345", "bytes 2-5/10")
    assert _http(hub, "GET", url, Range="bytes=20-")[0] == 416
    status, headers, _ = _http(hub, "GET", "/datasets/test-user/raw/resolve/main/missing.txt")
    assert status == 404 and headers["X-Error-Code"] == "EntryNotFound"


# -- holds: a client killed at a precise moment ------------------------------------------------------------------

TAG = """
api.create_tag(args["repo"], tag=args["tag"])
emit(tags=sorted(t.name for t in api.list_repo_refs(args["repo"]).tags))
"""


def test_held_tag_of_a_killed_client_is_never_created(hub: HubServer) -> None:
    run_client("api.create_repo(args['repo'])", repo=REPO)
    hold = hub.hold_next("create_tag")
    with background_client(TAG, repo=REPO, tag="v0.1.0") as proc:
        hold.wait()
        assert hub.stats.holds["create_tag"] == 1 and proc.poll() is None  # the client waits for the answer
        kill_client(proc)
    hold.release()
    assert hold.done.is_set()  # release returns once the handler is finished with the request...
    assert hub.repo(REPO).tags == {} and hub.errors == []  # ...which it dropped, quietly

    assert run_client(TAG, repo=REPO, tag="v0.1.0") == {"tags": ["v0.1.0"]}  # the server still answers
    assert hub.stats.holds["create_tag"] == 1  # a hold holds one request


def test_partial_hold_kills_the_client_mid_upload(hub: HubServer, tmp_path: Path) -> None:
    size = 4 * 1024 * 1024 + 123
    weights = tmp_path / "weights.bin"  # an LFS pattern of the default .gitattributes: LFS although small
    weights.write_bytes(os.urandom(size))
    upload = """
        api.create_repo(args["repo"], exist_ok=True)
        info = api.upload_file(path_or_fileobj=args["path"], path_in_repo="weights.bin", repo_id=args["repo"])
        emit(oid=info.oid)
        """
    hold = hub.hold_next("lfs_upload", partial=True)
    with background_client(upload, repo=REPO, path=str(weights)) as proc:
        hold.wait()
        assert 0 < hub.stats.lfs_bytes < size  # the client was stopped in the middle of sending the file
        kill_client(proc)
    hold.release()
    assert hub.errors == [] and hub.stats.lfs_uploads == 0 and hub.stats.total_commits == 0
    assert "weights.bin" not in hub.files(REPO)

    hub.reset_stats()
    done = run_client(upload, repo=REPO, path=str(weights))
    assert done["oid"] == hub.head(REPO) and hub.files(REPO)["weights.bin"] == weights.read_bytes()
    assert hub.stats.lfs_bytes == size and hub.stats.lfs_uploads == 1 and hub.stats.holds == {}


def test_held_commit_proceeds_when_released_with_proceed(hub: HubServer) -> None:
    run_client("api.create_repo(args['repo'])", repo=REPO)
    commit = """
        info = api.upload_file(path_or_fileobj=b"hello\\n", path_in_repo="hello.txt", repo_id=args["repo"])
        emit(oid=info.oid)
        """
    hold = hub.hold_next("commit")
    with background_client(commit, repo=REPO) as proc:
        hold.wait()
        assert hub.stats.total_commits == 0 and "hello.txt" not in hub.files(REPO)  # held, not applied yet
        hold.release(proceed=True)
        result = client_result(proc)
    assert result["oid"] == hub.head(REPO) and hub.files(REPO)["hello.txt"] == b"hello\n"
    assert hub.stats.total_commits == 1 and hub.stats.holds["commit"] == 1
    with pytest.raises(ValueError, match="cannot proceed"):
        hub.hold_next("lfs_upload", partial=True).release(proceed=True)


def test_hold_after_lets_requests_through_first(hub: HubServer) -> None:
    run_client("api.create_repo(args['repo'])", repo=REPO)
    hold = hub.hold_next("create_tag", after=1)
    two_tags = """
        api.create_tag(args["repo"], tag="v1")
        api.create_tag(args["repo"], tag="v2")
        emit(done=True)
        """
    with background_client(two_tags, repo=REPO) as proc:
        hold.wait()
        assert list(hub.repo(REPO).tags) == ["v1"]  # the first passed, the second is held
        kill_client(proc)
    hold.release()
    assert list(hub.repo(REPO).tags) == ["v1"] and hub.stats.holds["create_tag"] == 1

    never = hub.hold_next("commit")
    with pytest.raises(AssertionError, match="no 'commit' request reached the hold within 0.1 s"):
        never.wait(timeout=0.1)
    never.release()  # cancels it: the next commit is not held
    run_client("api.upload_file(path_or_fileobj=b'x', path_in_repo='x.txt', repo_id=args['repo'])", repo=REPO)
    assert hub.files(REPO)["x.txt"] == b"x" and hub.stats.holds["commit"] == 0


def test_stop_releases_held_requests() -> None:
    outcome: list[object] = []

    def whoami() -> None:
        try:
            outcome.append(_http(server, "GET", "/api/whoami-v2", server.token)[0])
        except Exception as err:  # the connection is closed without an answer
            outcome.append(type(err).__name__)

    server = HubServer().start()
    hold = server.hold_next("whoami")
    client = threading.Thread(target=whoami, daemon=True)
    client.start()
    hold.wait(timeout=10)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 5 and hold.done.is_set()
    client.join(timeout=10)
    assert outcome and outcome[0] != 200 and server.errors == []
