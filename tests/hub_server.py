"""A small, in-memory Hugging Face Hub that the real `huggingface_hub` client can talk to.

The release tests cannot reach huggingface.co, and mocking `HfApi` would only prove that our code calls the
mock. This server instead speaks the HTTP protocol that `huggingface_hub` 2.x uses (checked against the 2.4.0
sources), so a test points the unmodified client at it with `HF_ENDPOINT=<server.url>` and
`HF_HUB_DISABLE_XET=1` (Xet storage is not emulated: with it disabled the client falls back to the git-LFS
"basic" transfer, which is implemented here).

Usage:

    with HubServer() as hub:
        env = {"HF_ENDPOINT": hub.url, "HF_HUB_DISABLE_XET": "1", "HF_TOKEN": hub.token}
        ...  # run the client with that environment
        assert hub.stats.bytes_received == 0  # e.g. a re-publish uploaded nothing

A Space (not a static one) goes through the stages of `HubServer.space_stages` (BUILDING, APP_STARTING, RUNNING)
after each commit that holds an app file and after each restart: each read of its runtime moves it one stage on, and
the last one stays. To test a Space that never runs, tell the server where the next builds end:

    hub.space_stages["test-user/demo"] = ["BUILDING", "RUNTIME_ERROR"]

To test what a client killed at a precise moment leaves behind, hold a request, kill the client, then release:

    hold = hub.hold_next("create_tag")  # or "lfs_upload" with partial=True: killed mid-upload
    ...  # start the client in a subprocess
    hold.wait()  # the request arrived and is held
    ...  # SIGKILL the client
    hold.release()  # the held request is never applied; the connection is closed without an answer

Stdlib only (http.server), listens on 127.0.0.1 only, and keeps everything in memory.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import hashlib
import itertools
import json
import re
import secrets
import socket
import threading
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

# The Hub refuses regular (non-LFS) git files above 10 MiB or with binary content.
LFS_THRESHOLD = 10 * 1024 * 1024
SPACE_SDKS = ("gradio", "streamlit", "docker", "static")
URL_PREFIX = {"model": "", "dataset": "datasets/", "space": "spaces/"}
PLURAL_TO_TYPE = {"models": "model", "datasets": "dataset", "spaces": "space"}
# A short version of the `.gitattributes` the Hub writes into every new repo: these patterns go to LFS.
DEFAULT_LFS_PATTERNS = (
    "*.7z *.arrow *.bin *.bz2 *.ckpt *.gz *.h5 *.joblib *.model *.msgpack *.npy *.npz *.onnx *.ot *.parquet"
    " *.pb *.pickle *.pkl *.pt *.pth *.rar *.safetensors *.tar *.tflite *.tgz *.wasm *.xz *.zip *.zst *tfevents*"
).split()
DEFAULT_GITATTRIBUTES = "".join(f"{p} filter=lfs diff=lfs merge=lfs -text\n" for p in DEFAULT_LFS_PATTERNS).encode()
INVALID_TOKEN = "Invalid credentials in Authorization header"  # exact text: the client special-cases it
# What a Space goes through after a restart or a commit with its app, one stage per read of its runtime.
SPACE_BUILD = ("BUILDING", "APP_STARTING", "RUNNING")
SPACE_ERRORS = {  # the errorMessage the Hub gives with an error stage
    "BUILD_ERROR": "Build failed with exit code: 1",
    "RUNTIME_ERROR": "Exit code: 1. Reason: the app crashed on start",
    "CONFIG_ERROR": "Invalid configuration in README.md",
}


def _now() -> str:
    """Timestamps in the one format `huggingface_hub.utils.parse_datetime` accepts."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def git_blob_sha1(data: bytes) -> str:
    """Git's blob id, which the Hub uses as ETag / oid of regular files."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def lfs_pointer(sha256: str, size: int) -> bytes:
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()


def _matches(path: str, patterns: list[str]) -> bool:
    """Gitattributes/gitignore-style matching, simplified: a pattern without '/' matches any path component."""
    parts = path.split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if "/" in pattern.lstrip("/"):
            if fnmatch.fnmatch(path, pattern.lstrip("/").replace("**/", "*")):
                return True
        elif any(fnmatch.fnmatch(part, pattern) for part in parts):
            return True
    return False


def _lfs_patterns(gitattributes: bytes | None) -> list[str]:
    lines = (gitattributes or b"").decode(errors="replace").splitlines()
    return [line.split()[0] for line in lines if "filter=lfs" in line and not line.startswith("#")]


def _gitignore_patterns(gitignore: str | None) -> list[str]:
    lines = (gitignore or "").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith(("#", "!"))]


@dataclass(frozen=True)
class FileEntry:
    """One file of a commit's tree. The bytes live in `HubServer.blobs`, keyed by `sha256`."""

    path: str
    size: int
    sha256: str
    lfs: bool
    git_oid: str  # git blob id of the content, or of the pointer file for LFS files (as in a real git repo)

    @classmethod
    def regular(cls, path: str, data: bytes) -> FileEntry:
        return cls(path, len(data), hashlib.sha256(data).hexdigest(), False, git_blob_sha1(data))

    @classmethod
    def large(cls, path: str, sha256: str, size: int) -> FileEntry:
        return cls(path, size, sha256, True, git_blob_sha1(lfs_pointer(sha256, size)))

    @property
    def pointer(self) -> bytes:
        return lfs_pointer(self.sha256, self.size)

    @property
    def etag(self) -> str:
        """What `hf_hub_download` names cache blobs by, and what preupload reports as `oid`: sha256 for LFS files,
        git blob sha1 for regular ones. The client compares it with its local hash to skip unchanged files."""
        return self.sha256 if self.lfs else self.git_oid


@dataclass
class Commit:
    oid: str
    parent: str | None
    title: str
    message: str
    date: str
    files: dict[str, FileEntry]


@dataclass
class Repo:
    type: str
    id: str
    private: bool
    sdk: str | None
    created_at: str = field(default_factory=_now)
    gated: Any = False
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    lfs_oids: set[str] = field(default_factory=set)  # LFS objects uploaded to this repo (the Hub scopes them per repo)
    stages: list[str] = field(default_factory=list)  # a Space's runtime stage now, then the ones still to come

    def resolve(self, revision: str) -> Commit | None:
        """Branch, tag, full commit id or unambiguous commit id prefix."""
        oid = self.branches.get(revision) or self.tags.get(revision)
        if oid is None and re.fullmatch(r"[0-9a-f]{7,40}", revision):
            candidates = [c for c in self.commits if c.startswith(revision)]
            oid = candidates[0] if len(candidates) == 1 else None
        return self.commits.get(oid) if oid else None

    def history(self, commit: Commit) -> list[Commit]:
        """`commit` and its ancestors, newest first."""
        chain = [commit]
        while chain[-1].parent:
            chain.append(self.commits[chain[-1].parent])
        return chain


@dataclass
class HubStats:
    """What the server received, so tests can assert that e.g. a re-publish sends 0 bytes and makes 0 commits."""

    commits: Counter = field(default_factory=Counter)  # (repo_type, repo_id) -> commits made through the commit API
    regular_bytes: int = 0  # decoded content of regular files in commit payloads
    lfs_bytes: int = 0  # LFS upload bodies read, including the part read of a dropped upload
    lfs_uploads: int = 0  # LFS uploads completed and verified
    faults: Counter = field(default_factory=Counter)  # kind -> faults injected
    holds: Counter = field(default_factory=Counter)  # kind -> requests held by `hold_next`
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path) of every request

    @property
    def bytes_received(self) -> int:
        return self.regular_bytes + self.lfs_bytes

    @property
    def total_commits(self) -> int:
        return sum(self.commits.values())


class HubError(Exception):
    """An error answered the way the Hub does: JSON body plus the X-Error-* headers the client maps to exceptions."""

    def __init__(self, status: int, message: str, code: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.code, self.headers = status, message, code, headers or {}


@dataclass
class Request:
    method: str
    groups: dict[str, str]
    query: dict[str, list[str]]
    headers: Any
    body: bytes
    role: str | None  # "write", "read" or None (anonymous)

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"{}")
        except ValueError as err:
            raise HubError(400, f"Invalid JSON body: {err}") from err

    def param(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, [default])[-1]

    def flag(self, name: str) -> bool:
        return (self.param(name) or "").lower() in ("1", "true")


Response = tuple[int, dict[str, str], bytes]


def _json(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(obj).encode()


# Routes: (methods, path regex on the still-quoted URL path, handler name). The handler name is also the fault
# kind for `fail_next`. Revisions and tree paths arrive percent-encoded (`quote(x, safe="")`), hence `[^/]+`.
_REPO = r"(?P<ns>[^/]+)/(?P<name>[^/]+)"
_API = rf"/api/(?P<types>models|datasets|spaces)/{_REPO}"
_GIT = rf"/(?:(?P<prefix>datasets|spaces)/)?{_REPO}"
_REV = r"(?P<rev>[^/]+)"
_ROUTES = [
    (("GET",), r"/api/whoami-v2", "whoami"),
    (("POST",), r"/api/validate-yaml", "validate_yaml"),
    (("POST",), r"/api/repos/create", "create_repo"),
    (("DELETE",), r"/api/repos/delete", "delete_repo"),
    (("GET",), r"/api/collections", "list_collections"),
    (("POST",), r"/api/collections", "create_collection"),
    (("GET",), r"/api/collections/(?P<slug>[^/]+/[^/]+)", "get_collection"),
    (("DELETE",), r"/api/collections/(?P<slug>[^/]+/[^/]+)", "delete_collection"),
    (("PATCH",), r"/api/collections/(?P<slug>[^/]+/[^/]+)", "update_collection"),
    (("POST",), r"/api/collections/(?P<slug>[^/]+/[^/]+)/items", "add_collection_item"),
    (("DELETE",), r"/api/collections/(?P<slug>[^/]+/[^/]+)/items/(?P<item>[^/]+)", "delete_collection_item"),
    (("GET",), rf"{_API}(?:/revision/{_REV})?", "repo_info"),
    (("PUT",), rf"{_API}/settings", "update_settings"),
    (("POST",), rf"/api/(?P<types>spaces)/{_REPO}/restart", "restart_space"),
    (("GET",), rf"/api/(?P<types>spaces)/{_REPO}/runtime", "space_runtime"),
    (("POST",), rf"{_API}/preupload/{_REV}", "preupload"),
    (("POST",), rf"{_API}/commit/{_REV}", "commit"),
    (("POST",), rf"{_API}/tag/{_REV}", "create_tag"),
    (("DELETE",), rf"{_API}/tag/{_REV}", "delete_tag"),
    (("POST",), rf"{_API}/branch/{_REV}", "create_branch"),
    (("DELETE",), rf"{_API}/branch/{_REV}", "delete_branch"),
    (("GET",), rf"{_API}/refs", "list_refs"),
    (("GET",), rf"{_API}/tree/{_REV}(?:/(?P<path>.+))?", "list_tree"),
    (("POST",), rf"{_API}/paths-info/{_REV}", "paths_info"),
    (("GET",), rf"{_API}/commits/{_REV}", "list_commits"),
    (("POST",), rf"{_GIT}\.git/info/lfs/objects/batch", "lfs_batch"),
    (("PUT",), r"/_lfs/upload/(?P<ticket>[0-9a-f]+)", "lfs_upload"),
    (("POST",), r"/_lfs/verify/(?P<ticket>[0-9a-f]+)", "lfs_verify"),
    (("GET", "HEAD"), rf"{_GIT}/resolve/{_REV}/(?P<path>.+)", "resolve"),
]
_COMPILED = [(methods, re.compile(pattern), name) for methods, pattern, name in _ROUTES]
FAULT_KINDS = frozenset(name for _, _, name in _ROUTES)


class Hold:
    """A request held by `HubServer.hold_next`, so that a test can kill the client at that precise moment.

    `reached` (a `threading.Event`) is set once the request is held, with its handler thread blocked until
    `release()`. Only that thread waits: the server's lock is not held meanwhile, so other requests (e.g. of another
    thread of the same client) are still served. `done` is set once the handler is finished with the request.
    """

    def __init__(self, hub: HubServer, kind: str, after: int, partial: bool):
        self.kind, self.after, self.partial = kind, after, partial
        self.reached = threading.Event()
        self.done = threading.Event()
        self._hub = hub
        self._skip = after  # requests of `kind` still to let through
        self._seen = 0  # requests of `kind` since `hold_next`, for the message of `wait`
        self._claimed = False  # a request took this hold (it may still be reading the partial body)
        self._released = threading.Event()
        self._proceed = False

    def __repr__(self) -> str:
        state = "released" if self._released.is_set() else "held" if self.reached.is_set() else "waiting"
        return f"<Hold {self.kind} after={self.after} partial={self.partial} {state}>"

    def wait(self, timeout: float = 60) -> Hold:
        """Block until the request is held; fail the test clearly if it never comes."""
        if not self.reached.wait(timeout):
            with self._hub._lock:
                seen, claimed = self._seen, self._claimed
            if claimed:
                detail = "one arrived, but not half of its body"
            else:
                detail = f"hold_next(after={self.after}) holds request {self.after + 1} from then on; {seen} arrived"
            raise AssertionError(f"no {self.kind!r} request reached the hold within {timeout} s: {detail}")
        return self

    def release(self, proceed: bool = False) -> None:
        """Let the handler go on. A held request is never applied: after release the connection is closed without
        an answer, so a client killed meanwhile leaves no trace and no server error. With `proceed`, the request is
        instead processed as usual (faults from `fail_next` included), e.g. to check that a client still alive gets
        its answer after the pause; it is then applied even if the client is gone, as on a real server that
        received the whole request. A partial hold cannot proceed: part of its body was consumed.

        Returns once the handler is finished with the request (for at most 10 s); releasing a hold that no request
        reached yet cancels it. Idempotent: `HubServer.stop` releases every hold."""
        if proceed and self.partial:
            raise ValueError("a partial hold read part of the request body: it cannot proceed")
        with self._hub._lock:
            if self._released.is_set():
                return
            pending = self._hub._holds.get(self.kind, [])
            if self in pending:
                pending.remove(self)
            self._proceed = proceed
            self._released.set()
            claimed = self._claimed
        if claimed:
            self.done.wait(10)


class HubServer:
    """In-memory Hub on 127.0.0.1:<free port>, served from a daemon thread. Use as a context manager.

    Attributes: `url`, `token` (write), `read_token`, `user`, `orgs`, `stats` (`HubStats`), `repos`, `blobs`,
    `space_stages` (Space id -> the stages its next builds go through; default `SPACE_BUILD`),
    `unhandled` (requests no route matched) and `errors` (tracebacks of handler crashes): tests should assert the
    last two are empty, so a client upgrade that calls a new endpoint fails loudly instead of silently.
    """

    def __init__(self, *, user: str = "test-user", orgs: tuple[str, ...] = ("test-org",)):
        self.user, self.orgs = user, tuple(orgs)
        self.token = "hf_test_write_token_" + secrets.token_hex(8)
        self.read_token = "hf_test_read_token_" + secrets.token_hex(8)
        self.repos: dict[tuple[str, str], Repo] = {}
        self.blobs: dict[str, bytes] = {}  # sha256 -> content, for regular and LFS files alike
        self.collections: dict[str, dict] = {}
        self.space_stages: dict[str, list[str]] = {}
        self.stats = HubStats()
        self.unhandled: list[str] = []
        self.errors: list[str] = []
        self._faults: dict[str, list[tuple[int, bool]]] = {}
        self._skips: dict[str, int] = {}  # requests of a kind to let through before its faults apply
        self._holds: dict[str, list[Hold]] = {}  # kind -> holds no request has reached yet, oldest first
        self._all_holds: list[Hold] = []  # every hold, for `stop` to release
        self._uploads: dict[str, tuple[tuple[str, str], str, int]] = {}  # LFS upload ticket -> (repo key, oid, size)
        self._lock = threading.RLock()
        self._counter = itertools.count()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> HubServer:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.hub = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut down. Held requests are released first (and so never applied): `server_close` joins the handler
        threads, and a held one would block it forever."""
        with self._lock:
            holds = list(self._all_holds)
        for hold in holds:
            hold.release()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=5)  # type: ignore[union-attr]
            self._httpd = None

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    # -- test helpers ----------------------------------------------------------------------------------------

    def fail_next(
        self, kind: str, count: int = 1, *, status: int = 500, drop: bool | None = None, after: int = 0
    ) -> None:
        """Make the next `count` requests of `kind` (a route name, e.g. "commit", "preupload", "lfs_batch",
        "lfs_upload", "resolve") fail: answer `status`, or, with `drop`, read part of the body and close the
        socket without any response. `drop` defaults to True for "lfs_upload" (a connection lost mid-upload).

        Mind the client's retries (huggingface_hub 2.4.0): preupload, lfs_batch, lfs_upload and lfs_verify go through
        `http_backoff` (5 retries on 5xx and network errors, sleeping 1, 2, 4, 8, 8 s), so one fault there is
        absorbed after a 1 s pause; commit, create_repo, tags and branches are sent once and fail at once.
        `after` lets that many requests of `kind` through first (e.g. fail the second commit of a release)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"Unknown fault kind {kind!r}; expected one of {sorted(FAULT_KINDS)}")
        with self._lock:
            self._faults.setdefault(kind, []).extend([(status, kind == "lfs_upload" if drop is None else drop)] * count)
            self._skips[kind] = after

    def hold_next(self, kind: str, *, after: int = 0, partial: bool = False) -> Hold:
        """Hold the (`after`+1)-th request of `kind` (a route name, as for `fail_next`) from now on: its handler
        sets `hold.reached` and blocks until `hold.release()`, so that a test can SIGKILL the client at that moment
        (mid-upload, between two repositories, between two tags) and then check what the server kept.

        Without `partial`, the request is held as soon as its headers arrive, before its body is read (a small
        body such as a tag's or a commit's is already sent: the client is waiting for the answer). With `partial`
        (meant for "lfs_upload", also usable for "commit"), the handler first reads about half of the body
        (counted in `stats.lfs_bytes` for "lfs_upload", as for a dropped upload), so the client is held in the
        middle of sending a big file.

        A held request is never applied: after `release()` the connection is closed without an answer (see
        `Hold.release` for `proceed`). Holds are counted in `stats.holds`, apart from `stats.faults`, and are
        checked before faults: a held request reaches `fail_next` only if it proceeds. Several holds on one kind
        each count requests from their own `hold_next` on; a request is held by one hold at most (the oldest)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"Unknown hold kind {kind!r}; expected one of {sorted(FAULT_KINDS)}")
        if after < 0:
            raise ValueError(f"after must be >= 0, got {after}")
        hold = Hold(self, kind, after, partial)
        with self._lock:
            self._holds.setdefault(kind, []).append(hold)
            self._all_holds.append(hold)
        return hold

    def reset_stats(self) -> None:
        with self._lock:
            self.stats = HubStats()

    def repo(self, repo_id: str, repo_type: str = "model") -> Repo:
        return self.repos[(repo_type, repo_id)]

    def head(self, repo_id: str, repo_type: str = "model", revision: str = "main") -> str:
        return self.repo(repo_id, repo_type).resolve(revision).oid  # type: ignore[union-attr]

    def space_stage(self, repo_id: str) -> str:
        """A Space's runtime stage now, without moving it on (reading it through HTTP does)."""
        return self.repo(repo_id, "space").stages[0]

    def files(self, repo_id: str, repo_type: str = "model", revision: str = "main") -> dict[str, bytes]:
        """Server-side view of a revision: path -> bytes, without going through HTTP."""
        commit = self.repo(repo_id, repo_type).resolve(revision)
        assert commit is not None, f"unknown revision {revision}"
        return {path: self.blobs[entry.sha256] for path, entry in commit.files.items()}

    # -- dispatch (called from the HTTP handler threads) ------------------------------------------------------

    def match(self, method: str, path: str) -> tuple[str, dict[str, str]] | None:
        for methods, pattern, name in _COMPILED:
            if method in methods and (m := pattern.fullmatch(path)):
                return name, {k: unquote(v) for k, v in m.groupdict().items() if v is not None}
        return None

    def take_fault(self, kind: str) -> tuple[int, bool] | None:
        with self._lock:
            pending = self._faults.get(kind)
            if not pending:
                return None
            if self._skips.get(kind):
                self._skips[kind] -= 1
                return None
            self.stats.faults[kind] += 1
            return pending.pop(0)

    def take_hold(self, kind: str) -> Hold | None:
        """The hold this request of `kind` falls into, if any; every pending hold of `kind` counts the request."""
        with self._lock:
            claimed = None
            for hold in self._holds.get(kind, []):
                hold._seen += 1
                if hold._skip:
                    hold._skip -= 1
                elif claimed is None:
                    claimed = hold
            if claimed is None:
                return None
            self._holds[kind].remove(claimed)
            claimed._claimed = True
            self.stats.holds[kind] += 1
            return claimed

    def role_for(self, authorization: str | None) -> str | None:
        """Map the bearer token to a role; an unknown token is rejected everywhere, as on the Hub."""
        if not authorization:
            return None
        token = authorization.removeprefix("Bearer ").removeprefix("bearer ").strip()
        if token == self.token:
            return "write"
        if token == self.read_token:
            return "read"
        raise HubError(401, INVALID_TOKEN)

    def handle(self, name: str, request: Request) -> Response:
        with self._lock:  # one request mutates state at a time: simple and plenty fast for tests
            return getattr(self, f"_h_{name}")(request)

    # -- access control --------------------------------------------------------------------------------------

    def _require_write(self, req: Request, namespace: str) -> None:
        if req.role is None:
            raise HubError(401, "Unauthorized: a write token is required")
        if req.role != "write" or namespace not in (self.user, *self.orgs):
            raise HubError(403, f"You don't have the rights to write to {namespace}")

    def _key(self, req: Request) -> tuple[str, str]:
        plural = req.groups.get("types") or req.groups.get("prefix")
        repo_type = PLURAL_TO_TYPE.get(plural, "model") if plural else "model"
        return repo_type, f"{req.groups['ns']}/{req.groups['name']}"

    def _readable_repo(self, req: Request) -> Repo:
        """Missing and private-without-token repos look the same, like on the Hub: 401 anonymous, else 404."""
        repo = self.repos.get(self._key(req))
        if repo is None or (repo.private and req.role is None):
            status = 401 if req.role is None else 404
            raise HubError(status, "Repository not found", "RepoNotFound")
        return repo

    def _writable_repo(self, req: Request) -> Repo:
        self._require_write(req, req.groups["ns"])
        return self._readable_repo(req)

    def _commit_at(self, repo: Repo, revision: str) -> Commit:
        commit = repo.resolve(revision)
        if commit is None:
            raise HubError(404, f"Invalid rev id: {revision}", "RevisionNotFound")
        return commit

    def _repo_url(self, repo: Repo) -> str:
        return f"{self.url}/{URL_PREFIX[repo.type]}{repo.id}"

    # -- account and repos -----------------------------------------------------------------------------------

    def _h_whoami(self, req: Request) -> Response:
        if req.role is None:
            raise HubError(401, INVALID_TOKEN)
        orgs = [{"type": "org", "name": org} for org in self.orgs]
        auth = {"type": "access_token", "accessToken": {"displayName": "test", "role": req.role}}
        return _json({"type": "user", "name": self.user, "fullname": "Test User", "orgs": orgs, "auth": auth})

    def _h_validate_yaml(self, req: Request) -> Response:
        content = req.json().get("content", "")
        if content.startswith("---") and "\n---" not in content[3:]:
            return _json({"errors": [{"message": "metadata block is not closed by '---'"}]}, 400)
        return _json({"errors": [], "warnings": []})

    def _h_create_repo(self, req: Request) -> Response:
        body = req.json()
        repo_type = body.get("type") or "model"
        namespace = body.get("organization") or self.user
        self._require_write(req, namespace)
        if repo_type not in URL_PREFIX or not body.get("name"):
            raise HubError(400, f"Invalid repo type or name: {repo_type!r} {body.get('name')!r}")
        if repo_type == "space" and body.get("sdk") not in SPACE_SDKS:
            raise HubError(400, f"Invalid sdk for a Space: {body.get('sdk')!r}")
        repo_id = f"{namespace}/{body['name']}"
        url = f"{self.url}/{URL_PREFIX[repo_type]}{repo_id}"
        if (repo_type, repo_id) in self.repos:
            return _json({"error": f"You already created this {repo_type} repo", "url": url}, 409)
        private = body.get("visibility", "private" if body.get("private") else "public") != "public"
        repo = Repo(type=repo_type, id=repo_id, private=private, sdk=body.get("sdk"))
        if repo_type == "space":  # a static Space is always served; any other has no app to run yet
            repo.stages = ["RUNNING" if repo.sdk == "static" else "NO_APP_FILE"]
        # Like the Hub, a new repo starts with one commit holding the default `.gitattributes`.
        self.blobs[hashlib.sha256(DEFAULT_GITATTRIBUTES).hexdigest()] = DEFAULT_GITATTRIBUTES
        entry = FileEntry.regular(".gitattributes", DEFAULT_GITATTRIBUTES)
        self._add_commit(repo, "main", None, "initial commit", "", {entry.path: entry})
        self.repos[(repo_type, repo_id)] = repo
        return _json({"url": url, "name": repo_id, "id": secrets.token_hex(12)})

    def _h_delete_repo(self, req: Request) -> Response:
        body = req.json()
        namespace = body.get("organization") or self.user
        self._require_write(req, namespace)
        key = (body.get("type") or "model", f"{namespace}/{body.get('name')}")
        if self.repos.pop(key, None) is None:
            raise HubError(404, "Repository not found", "RepoNotFound")
        return _json({})

    def _h_repo_info(self, req: Request) -> Response:
        repo = self._readable_repo(req)
        commit = self._commit_at(repo, req.groups.get("rev", "main"))
        with_blobs = req.flag("blobs")
        siblings = []
        for path, entry in sorted(commit.files.items()):
            sibling: dict[str, Any] = {"rfilename": path}
            if with_blobs:
                sibling.update(size=entry.size, blobId=entry.git_oid)
                if entry.lfs:
                    sibling["lfs"] = {"size": entry.size, "sha256": entry.sha256, "pointerSize": len(entry.pointer)}
            siblings.append(sibling)
        info = {
            "id": repo.id,
            "author": repo.id.split("/")[0],
            "sha": commit.oid,
            "lastModified": commit.date,
            "createdAt": repo.created_at,
            "private": repo.private,
            "gated": repo.gated,
            "disabled": False,
            "siblings": siblings,
        }
        if repo.type == "space":
            info.update(sdk=repo.sdk, subdomain=repo.id.replace("/", "-").lower(), runtime=self._runtime_json(repo))
        return _json(info)

    def _h_update_settings(self, req: Request) -> Response:
        repo = self._writable_repo(req)
        body = req.json()
        if "visibility" in body or "private" in body:
            repo.private = body.get("visibility", "private" if body.get("private") else "public") != "public"
        if "gated" in body:
            repo.gated = body["gated"]
        return _json({})

    # -- Space runtime --------------------------------------------------------------------------------------

    def _space(self, req: Request, write: bool = False) -> Repo:
        """The Space of a /api/spaces/{id}/... request (its route names the type), readable or writable."""
        return self._writable_repo(req) if write else self._readable_repo(req)

    def _build_space(self, repo: Repo) -> None:
        """Start the stages of a build: `space_stages` for this Space, else BUILDING, APP_STARTING, RUNNING."""
        repo.stages = list(self.space_stages.get(repo.id) or SPACE_BUILD)

    def _runtime_json(self, repo: Repo, advance: bool = False) -> dict:
        """The runtime as the Hub gives it; with `advance`, the Space then moves on to its next stage (if any)."""
        stage = repo.stages[0]
        if advance and len(repo.stages) > 1:
            repo.stages.pop(0)
        hardware = None if repo.sdk == "static" else "cpu-basic"
        runtime: dict[str, Any] = {
            "stage": stage,
            "hardware": {
                "current": hardware if stage in ("RUNNING", "RUNNING_BUILDING") else None,
                "requested": hardware,
            },
            "storage": None,
            "gcTimeout": 172800,
            "replicas": {"current": 1, "requested": 1},
            "devMode": False,
            "domains": [{"domain": f"{repo.id.replace('/', '-').lower()}.hf.space", "stage": "READY"}],
        }
        if stage in SPACE_ERRORS:
            runtime["errorMessage"] = SPACE_ERRORS[stage]
        return runtime

    def _h_space_runtime(self, req: Request) -> Response:
        return _json(self._runtime_json(self._space(req), advance=True))

    def _h_restart_space(self, req: Request) -> Response:
        """Only the owner may restart; a static Space is always running and cannot be (400, as on the Hub)."""
        repo = self._space(req, write=True)
        if repo.sdk == "static":
            raise HubError(400, "Static Spaces are always running and cannot be restarted")
        self._build_space(repo)
        return _json(self._runtime_json(repo, advance=True))

    # -- refs -------------------------------------------------------------------------------------------------

    def _h_create_tag(self, req: Request) -> Response:
        repo = self._writable_repo(req)
        commit = self._commit_at(repo, req.groups["rev"])
        tag = req.json().get("tag", "")
        if not re.fullmatch(r"[A-Za-z0-9._/-]+", tag):
            raise HubError(400, f"Invalid tag name: {tag!r}")
        if tag in repo.tags:
            raise HubError(409, f"Tag {tag} already exists")
        repo.tags[tag] = commit.oid
        return _json({})

    def _h_delete_tag(self, req: Request) -> Response:
        repo = self._writable_repo(req)
        if repo.tags.pop(req.groups["rev"], None) is None:
            raise HubError(404, f"Invalid rev id: {req.groups['rev']}", "RevisionNotFound")
        return _json({})

    def _h_create_branch(self, req: Request) -> Response:
        repo = self._writable_repo(req)
        branch = req.groups["rev"]
        start = self._commit_at(repo, req.json().get("startingPoint") or "main")
        if branch in repo.branches or branch in repo.tags:
            raise HubError(409, f"Reference {branch} already exists")
        repo.branches[branch] = start.oid
        return _json({})

    def _h_delete_branch(self, req: Request) -> Response:
        repo = self._writable_repo(req)
        branch = req.groups["rev"]
        if branch == "main":
            raise HubError(403, "Cannot delete the default branch")
        if repo.branches.pop(branch, None) is None:
            raise HubError(404, f"Invalid rev id: {branch}", "RevisionNotFound")
        return _json({})

    def _h_list_refs(self, req: Request) -> Response:
        repo = self._readable_repo(req)

        def refs(kind: str, names: dict[str, str]) -> list[dict]:
            return [{"name": n, "ref": f"refs/{kind}/{n}", "targetCommit": oid} for n, oid in sorted(names.items())]

        result = {"branches": refs("heads", repo.branches), "tags": refs("tags", repo.tags), "converts": []}
        if req.flag("include_prs"):
            result["pullRequests"] = []
        return _json(result)

    def _h_list_commits(self, req: Request) -> Response:
        repo = self._readable_repo(req)
        commits = repo.history(self._commit_at(repo, req.groups["rev"]))
        authors = [{"user": self.user, "avatar": ""}]
        return _json(
            [{"id": c.oid, "title": c.title, "message": c.message, "date": c.date, "authors": authors} for c in commits]
        )

    # -- trees --------------------------------------------------------------------------------------------------

    def _entry_json(self, repo: Repo, commit: Commit, path: str, expand: bool) -> dict:
        entry = commit.files.get(path)
        if entry is None:  # a directory: its oid only needs to change when its content does
            prefix = path + "/"
            listing = sorted((p, e.git_oid) for p, e in commit.files.items() if p.startswith(prefix))
            result: dict[str, Any] = {"type": "directory", "path": path, "size": 0}
            result["oid"] = hashlib.sha1(json.dumps(listing).encode()).hexdigest()
        else:
            result = {"type": "file", "path": path, "size": entry.size, "oid": entry.git_oid}
            if entry.lfs:
                result["lfs"] = {"oid": entry.sha256, "size": entry.size, "pointerSize": len(entry.pointer)}
        if expand:
            last = self._last_commit(repo, commit, path)
            result["lastCommit"] = {"id": last.oid, "title": last.title, "date": last.date}
        return result

    def _last_commit(self, repo: Repo, commit: Commit, path: str) -> Commit:
        """Oldest commit of the unbroken run, from `commit` backwards, in which `path` looks the same."""

        def snapshot(c: Commit) -> Any:
            return sorted((p, e) for p, e in c.files.items() if p == path or p.startswith(path + "/"))

        current, last = snapshot(commit), commit
        for older in repo.history(commit)[1:]:
            if snapshot(older) != current:
                break
            last = older
        return last

    def _children(self, commit: Commit, base: str, recursive: bool) -> list[str]:
        prefix = f"{base}/" if base else ""
        dirs, files = set(), []
        for path in commit.files:
            if not path.startswith(prefix):
                continue
            parts = path[len(prefix) :].split("/")
            if recursive:
                files.append(path)
                dirs.update(prefix + "/".join(parts[:i]) for i in range(1, len(parts)))
            elif len(parts) == 1:
                files.append(path)
            else:
                dirs.add(prefix + parts[0])
        return sorted(dirs) + sorted(files)  # directories first, like the Hub

    def _h_list_tree(self, req: Request) -> Response:
        repo = self._readable_repo(req)
        commit = self._commit_at(repo, req.groups["rev"])
        base = req.groups.get("path", "").strip("/")
        paths = self._children(commit, base, req.flag("recursive"))
        if base and (base in commit.files or not paths):
            raise HubError(404, f"Directory not found: {base}", "EntryNotFound")
        return _json([self._entry_json(repo, commit, p, req.flag("expand")) for p in paths])

    def _h_paths_info(self, req: Request) -> Response:
        repo = self._readable_repo(req)
        commit = self._commit_at(repo, req.groups["rev"])
        # The client posts a form (`data={"paths": [...], "expand": bool}`); accept JSON too.
        if req.headers.get("Content-Type", "").startswith("application/json"):
            body = req.json()
            paths, expand = body.get("paths", []), bool(body.get("expand"))
        else:
            form = parse_qs(req.body.decode())
            paths, expand = form.get("paths", []), form.get("expand", ["false"])[-1].lower() == "true"
        found = [
            p.strip("/") for p in paths if p.strip("/") in commit.files or self._children(commit, p.strip("/"), False)
        ]
        return _json([self._entry_json(repo, commit, p, expand) for p in found])

    # -- uploads ---------------------------------------------------------------------------------------------

    def _h_preupload(self, req: Request) -> Response:
        """Decide regular vs LFS per file (size, binary sample, .gitattributes) and report the current oid, which
        the client compares with its own hash to drop unchanged files from the commit."""
        repo = self._writable_repo(req)
        commit = self._commit_at(repo, req.groups["rev"])
        body = req.json()
        attributes = commit.files.get(".gitattributes")
        lfs_patterns = _lfs_patterns(self.blobs[attributes.sha256] if attributes else None)
        gitignore = body.get("gitIgnore")
        if gitignore is None and ".gitignore" in commit.files:
            gitignore = self.blobs[commit.files[".gitignore"].sha256].decode(errors="replace")
        ignored = _gitignore_patterns(gitignore)
        answers = []
        for item in body.get("files", []):
            path, size = item["path"], int(item["size"])
            sample = base64.b64decode(item.get("sample", ""))
            is_lfs = size >= LFS_THRESHOLD or b"\0" in sample or _matches(path, lfs_patterns)
            existing = commit.files.get(path)
            answers.append(
                {
                    "path": path,
                    "uploadMode": "lfs" if is_lfs else "regular",
                    "shouldIgnore": _matches(path, ignored),
                    "oid": existing.etag if existing else None,
                }
            )
        return _json({"files": answers, "commitOid": commit.oid})

    def _h_lfs_batch(self, req: Request) -> Response:
        """git-lfs batch API, "basic" transfer: one PUT per missing object, to a one-off URL on this server (the
        client sends that PUT without auth headers, as it would to S3), then a verify POST."""
        repo = self._writable_repo(req)
        body = req.json()
        if body.get("operation") != "upload":
            raise HubError(400, "Only the LFS 'upload' operation is supported")
        objects = []
        for obj in body.get("objects", []):
            oid, size = obj.get("oid"), obj.get("size")
            if not (isinstance(oid, str) and re.fullmatch(r"[0-9a-f]{64}", oid) and isinstance(size, int)):
                objects.append({"oid": str(oid), "size": int(size or 0), "error": {"code": 422, "message": "bad oid"}})
            elif oid in repo.lfs_oids:
                objects.append({"oid": oid, "size": size})  # no "actions": already there, the client skips it
            else:
                ticket = secrets.token_hex(16)
                self._uploads[ticket] = ((repo.type, repo.id), oid, size)
                actions = {
                    "upload": {"href": f"{self.url}/_lfs/upload/{ticket}"},
                    "verify": {"href": f"{self.url}/_lfs/verify/{ticket}"},
                }
                objects.append({"oid": oid, "size": size, "authenticated": True, "actions": actions})
        return _json({"transfer": "basic", "objects": objects, "hash_algo": "sha256"})

    def _h_lfs_upload(self, req: Request) -> Response:
        key, oid, size = self._ticket(req)
        self.stats.lfs_bytes += len(req.body)
        if len(req.body) != size or hashlib.sha256(req.body).hexdigest() != oid:
            raise HubError(400, f"Uploaded content does not match oid {oid} / size {size}")
        self.blobs[oid] = req.body
        if key in self.repos:
            self.repos[key].lfs_oids.add(oid)
        self.stats.lfs_uploads += 1
        return 200, {"ETag": f'"{hashlib.md5(req.body).hexdigest()}"'}, b""

    def _h_lfs_verify(self, req: Request) -> Response:
        key, oid, size = self._ticket(req)
        body = req.json()
        repo = self.repos.get(key)
        if repo is None or oid not in repo.lfs_oids or body.get("oid") != oid or body.get("size") != size:
            raise HubError(404, f"LFS object {oid} was not uploaded")
        return _json({"success": True})

    def _ticket(self, req: Request) -> tuple[tuple[str, str], str, int]:
        ticket = self._uploads.get(req.groups["ticket"])
        if ticket is None:
            raise HubError(403, "Unknown or expired upload URL")
        return ticket

    def _add_commit(self, repo: Repo, branch: str, parent: str | None, title: str, message: str, files: dict) -> Commit:
        seed = f"{parent}\n{title}\n{sorted((p, e.git_oid) for p, e in files.items())}\n{next(self._counter)}"
        commit = Commit(hashlib.sha1(seed.encode()).hexdigest(), parent, title, message, _now(), files)
        repo.commits[commit.oid] = commit
        repo.branches[branch] = commit.oid
        return commit

    def _h_commit(self, req: Request) -> Response:
        """NDJSON commit: a header line, then one line per operation. Applied all-or-nothing."""
        repo = self._writable_repo(req)
        if req.flag("create_pr"):
            raise HubError(400, "create_pr is not supported by the test Hub server")
        branch = req.groups["rev"]
        if branch not in repo.branches:
            code = None if repo.resolve(branch) else "RevisionNotFound"
            raise HubError(400 if code is None else 404, f"Can only commit to a branch, got {branch}", code)
        try:
            lines = [json.loads(line) for line in req.body.splitlines() if line.strip()]
        except ValueError as err:
            raise HubError(400, f"Invalid NDJSON payload: {err}") from err
        header = next((line["value"] for line in lines if line.get("key") == "header"), None)
        if header is None or not header.get("summary"):
            raise HubError(400, "Missing commit header or summary")
        head = repo.commits[repo.branches[branch]]
        parent_commit = header.get("parentCommit")
        if parent_commit and not head.oid.startswith(parent_commit):
            raise HubError(412, f"Parent commit {parent_commit} is not the head of {branch} ({head.oid})")
        files = dict(head.files)
        new_blobs: dict[str, bytes] = {}
        for line in lines:
            self._apply_operation(repo, files, new_blobs, line.get("key"), line.get("value") or {})
        self.blobs.update(new_blobs)
        commit = self._add_commit(repo, branch, head.oid, header["summary"], header.get("description", ""), files)
        self.stats.commits[(repo.type, repo.id)] += 1
        if repo.type == "space" and repo.sdk != "static" and branch == "main" and "app.py" in files:
            self._build_space(repo)  # the Hub rebuilds a Space on each push to main
        url = f"{self._repo_url(repo)}/commit/{commit.oid}"
        return _json({"success": True, "commitOid": commit.oid, "commitUrl": url, "pullRequestUrl": None})

    def _apply_operation(self, repo: Repo, files: dict, new_blobs: dict, key: str | None, value: dict) -> None:
        path = str(value.get("path", "")).strip("/")
        if key == "header":
            return
        if key == "file":
            try:
                data = base64.b64decode(value.get("content", ""), validate=True)
            except binascii.Error as err:
                raise HubError(400, f"Invalid base64 content for {path}") from err
            self.stats.regular_bytes += len(data)
            if len(data) >= LFS_THRESHOLD or b"\0" in data[:512]:
                raise HubError(400, f"Your push was rejected: {path} is binary or larger than 10 MiB, use LFS")
            entry = FileEntry.regular(path, data)
            new_blobs[entry.sha256] = data
            files[path] = entry
        elif key == "lfsFile":
            oid = value.get("oid")
            if oid not in repo.lfs_oids:
                raise HubError(400, f"LFS object {oid} for {path} was not uploaded to this repo")
            files[path] = FileEntry.large(path, oid, len(self.blobs[oid]))
        elif key == "deletedFile":
            if files.pop(path, None) is None:
                raise HubError(404, f"A file with this name doesn't exist: {path}", "EntryNotFound")
        elif key == "deletedFolder":
            doomed = [p for p in files if p.startswith(path + "/")]
            if not doomed:
                raise HubError(404, f"A folder with this name doesn't exist: {path}", "EntryNotFound")
            for p in doomed:
                del files[p]
        else:
            raise HubError(400, f"Unsupported commit operation: {key!r}")

    # -- downloads ---------------------------------------------------------------------------------------------

    def _h_resolve(self, req: Request) -> Response:
        """Serve the file directly (no CDN redirect). `hf_hub_download` needs X-Repo-Commit and an ETag; for LFS
        files X-Linked-Etag/X-Linked-Size carry the sha256 and real size, exactly as on the Hub."""
        repo = self._readable_repo(req)
        commit = self._commit_at(repo, req.groups["rev"])
        entry = commit.files.get(req.groups["path"])
        if entry is None:
            raise HubError(404, "Entry not found", "EntryNotFound", {"X-Repo-Commit": commit.oid})
        data = self.blobs[entry.sha256]
        headers = {
            "X-Repo-Commit": commit.oid,
            "ETag": f'"{entry.etag}"',
            "Accept-Ranges": "bytes",
            "Content-Type": "application/octet-stream",
            "Content-Disposition": f'inline; filename="{entry.path.rsplit("/", 1)[-1]}"',
        }
        if entry.lfs:
            headers.update({"X-Linked-Etag": f'"{entry.sha256}"', "X-Linked-Size": str(entry.size)})
        range_header = req.headers.get("Range")
        if not range_header:
            return 200, headers, data
        m = re.fullmatch(r"bytes=(\d*)-(\d*)", range_header.strip())
        start, end = (int(m[1]) if m[1] else None, int(m[2]) if m[2] else None) if m else (None, None)
        if start is None and end is not None:  # suffix range: the last `end` bytes
            start, end = max(len(data) - end, 0), len(data) - 1
        if m is None or start is None or start >= len(data) or (end is not None and end < start):
            return 416, {**headers, "Content-Range": f"bytes */{len(data)}"}, b""
        end = min(end if end is not None else len(data) - 1, len(data) - 1)
        return 206, {**headers, "Content-Range": f"bytes {start}-{end}/{len(data)}"}, data[start : end + 1]

    # -- collections -------------------------------------------------------------------------------------------

    def _h_list_collections(self, req: Request) -> Response:
        owners = req.query.get("owner")
        visible = [c for c in self.collections.values() if not c["private"] or req.role]
        visible = [c for c in visible if not owners or c["owner"]["name"] in owners]
        # The list omits "position": the client numbers the collections itself (it passes `position=` too).
        return _json([{k: v for k, v in c.items() if k != "position"} for c in visible])

    def _h_create_collection(self, req: Request) -> Response:
        body = req.json()
        namespace, title = body.get("namespace") or self.user, body.get("title", "")
        self._require_write(req, namespace)
        for collection in self.collections.values():
            if collection["owner"]["name"] == namespace and collection["title"] == title:
                return _json({"error": "Collection already exists", "slug": collection["slug"]}, 409)
        slug = f"{namespace}/{re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-')}-{secrets.token_hex(12)}"
        self.collections[slug] = {
            "slug": slug,
            "title": title,
            "description": body.get("description"),
            "owner": {"name": namespace, "type": "user" if namespace == self.user else "org"},
            "items": [],
            "lastUpdated": _now(),
            "position": 0,
            "private": bool(body.get("private")),
            "theme": "default",
            "upvotes": 0,
        }
        return _json(self.collections[slug])

    def _collection(self, req: Request, write: bool = False) -> dict:
        collection = self.collections.get(req.groups["slug"])
        if collection is None or (collection["private"] and req.role is None):
            raise HubError(404, "Collection not found")
        if write:
            self._require_write(req, collection["owner"]["name"])
        return collection

    def _h_get_collection(self, req: Request) -> Response:
        return _json(self._collection(req))

    def _h_update_collection(self, req: Request) -> Response:
        collection = self._collection(req, write=True)
        body = req.json()
        for key in ("title", "description", "private", "position", "theme"):
            if key in body:
                collection[key] = body[key]
        collection["lastUpdated"] = _now()
        return _json({"data": collection})

    def _h_delete_collection(self, req: Request) -> Response:
        self._collection(req, write=True)
        del self.collections[req.groups["slug"]]
        return _json({})

    def _h_add_collection_item(self, req: Request) -> Response:
        collection = self._collection(req, write=True)
        body = req.json()
        item_id, item_type = body.get("item", {}).get("id"), body.get("item", {}).get("type")
        if item_type in URL_PREFIX and (item_type, item_id) not in self.repos:
            raise HubError(404, f"{item_type} {item_id} not found")
        if any(i["id"] == item_id and i["type"] == item_type for i in collection["items"]):
            raise HubError(409, f"{item_id} is already in the collection")
        item: dict[str, Any] = {"_id": secrets.token_hex(12), "id": item_id, "type": item_type}
        item["position"] = len(collection["items"])
        if body.get("note") is not None:
            item["note"] = {"text": body["note"], "html": body["note"]}
        collection["items"].append(item)
        collection["lastUpdated"] = _now()
        return _json(collection)

    def _h_delete_collection_item(self, req: Request) -> Response:
        collection = self._collection(req, write=True)
        kept = [i for i in collection["items"] if i["_id"] != req.groups["item"]]
        if len(kept) == len(collection["items"]):
            raise HubError(404, "Item not found")
        collection["items"] = kept
        return _json({})


class _Handler(BaseHTTPRequestHandler):
    """HTTP plumbing only: parse, apply holds and injected faults, call `HubServer.handle`, write the response."""

    protocol_version = "HTTP/1.1"  # keep-alive, like the Hub; every response carries a Content-Length
    server_version = "TestHub/1.0"
    timeout = 60  # idle keep-alive connections must not pin handler threads forever

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean; `stats.requests` records the traffic instead

    def do_GET(self) -> None:
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _dispatch(self) -> None:
        hub: HubServer = self.server.hub  # type: ignore[attr-defined]
        split = urlsplit(self.path)
        with hub._lock:
            hub.stats.requests.append((self.command, split.path))
        route = hub.match(self.command, split.path)
        if route is None:
            self._read_body()
            hub.unhandled.append(f"{self.command} {self.path}")
            return self._send(404, {"Content-Type": "application/json"}, b'{"error": "not implemented by test hub"}')
        name, groups = route
        hold = hub.take_hold(name)
        if hold is None:
            return self._process(hub, name, groups, split.query)
        try:
            if self._hold(hub, name, hold):
                self._process(hub, name, groups, split.query)
        finally:
            hold.done.set()

    def _hold(self, hub: HubServer, name: str, hold: Hold) -> bool:
        """Block on `hold` (without the server lock) until it is released. True if the request is then to be
        processed as usual; False if it was dropped: closed without an answer and never applied."""
        if hold.partial:
            try:
                part = self._read_part()
            except OSError:  # the client died before sending half: hold what arrived
                part = b""
            if name == "lfs_upload":
                with hub._lock:
                    hub.stats.lfs_bytes += len(part)
        hold.reached.set()
        hold._released.wait()
        if hold._proceed:
            return True
        self._close_without_answer()
        return False

    def _process(self, hub: HubServer, name: str, groups: dict[str, str], query: str) -> None:
        fault = hub.take_fault(name)
        if fault is not None and fault[1]:
            return self._drop_connection(hub, name)
        body = self._read_body()
        try:
            if fault is not None:
                raise HubError(fault[0], f"Injected failure for {name}")
            # LFS upload/verify URLs are authorised by their one-off ticket, like presigned S3 URLs.
            ticketed = name in ("lfs_upload", "lfs_verify")
            role = None if ticketed else hub.role_for(self.headers.get("Authorization"))
            request = Request(self.command, groups, parse_qs(query), self.headers, body, role)
            status, headers, payload = hub.handle(name, request)
        except HubError as err:
            # Header values must be latin-1 and single-line: paths in messages are user input.
            safe_message = err.message.encode("ascii", "replace").decode().replace("\r", " ").replace("\n", " ")
            headers = {"Content-Type": "application/json", "X-Error-Message": safe_message, **err.headers}
            if err.code:
                headers["X-Error-Code"] = err.code
            status, payload = err.status, json.dumps({"error": err.message}).encode()
        except Exception:  # a bug in the server: answer 500 and keep the traceback for the test to report
            hub.errors.append(traceback.format_exc())
            status, headers, payload = 500, {"Content-Type": "application/json"}, b'{"error": "server crash"}'
        self._send(status, headers, payload)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _read_part(self) -> bytes:
        """About half of the body, so that the client is still sending when a partial hold is reached. Of a
        chunked body, whose length is unknown, the first chunk."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            return self.rfile.read(size) if size else b""
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length // 2) if length else b""

    def _drop_connection(self, hub: HubServer, name: str) -> None:
        """Simulate a connection lost mid-transfer: read part of the body, then close without answering."""
        length = int(self.headers.get("Content-Length") or 0)
        partial = self.rfile.read(min(length // 2, 1024 * 1024)) if length else b""
        if name == "lfs_upload":
            with hub._lock:
                hub.stats.lfs_bytes += len(partial)
        self._close_without_answer()

    def _close_without_answer(self) -> None:
        """End the connection with no response; quietly, as the client may be gone already (killed)."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _send(self, status: int, headers: dict[str, str], payload: bytes) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
