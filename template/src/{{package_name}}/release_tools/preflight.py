# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""What `make publish` refuses before it changes anything: a dirty tree (gitrepo.TreeState.dirty, unless
ALLOW_DIRTY=1), a git tag of the version on another commit, the token in a staged file, and someone else's
repository or files (unless ADOPT=1). Read-only: each check passes, or stops the run with one line and the fix.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .cli import UserError
from .gitrepo import TreeState, tag_commit
from .plan import Session, local_files


def require_clean(state: TreeState, allow_dirty: bool) -> None:
    """A release maps back to one code commit: the tree may not be dirty (no commit, changed tracked files, or
    untracked files where the release comes from), unless ALLOW_DIRTY=1; each case says its own fix."""
    if allow_dirty:
        return
    if state.commit is None:
        raise UserError(
            "not a git repository with a commit: a release must map back to a code commit; "
            "run git init && git add -A && git commit, or publish anyway with ALLOW_DIRTY=1"
        )
    if state.changed:
        raise UserError(
            f"the git tree has uncommitted changes ({', '.join(state.changed[:5])}); commit them so the release maps "
            "to a code commit, or publish anyway with ALLOW_DIRTY=1 (the release record notes it)"
        )
    if state.untracked:
        raise UserError(
            f"files git does not track sit where the release comes from ({', '.join(state.untracked[:5])}); they would "
            "not be published: git add and commit them, or delete them, or publish anyway with ALLOW_DIRTY=1"
        )


def require_git_tag(root: Path, tag: str, state: TreeState) -> None:
    """A git tag v<version> that exists must be on the commit being published: a version names one code state."""
    tagged = tag_commit(root, tag)
    if tagged is None or state.dirty:
        return
    if tagged != state.commit:
        raise UserError(
            f"git tag {tag} is on commit {tagged[:12]}, but the code is at {state.commit[:12]}; publish what was "
            f"tagged (git checkout {tag}), or bump the version with make release VERSION=<next version>"
        )


def scan_for_token(folders: list[Path], token: str) -> None:
    """Refuse to publish a file that holds the token (the release check looks for token-like strings too)."""
    needle = token.encode()
    for folder in folders:
        for path in local_files(folder).values():
            if needle in path.read_bytes():
                raise UserError(
                    f"{path} contains your Hugging Face token; remove it from its source, revoke the token at "
                    "https://huggingface.co/settings/tokens, and keep tokens in HF_TOKEN or the login cache"
                )


def require_ours(session: Session, adopt: bool, say: Callable[[str], None]) -> None:
    """Someone else's repository, or files we never published, are changed only with ADOPT=1."""
    for plan in session.plans:
        if plan.adoptable is None:
            continue
        t = plan.target
        if not adopt:
            raise UserError(
                f"{t.repo_type} {t.repo_id} already exists and {plan.adoptable}; publish into it anyway with "
                f"ADOPT=1 (its content becomes this release's), or set another hub.{t.key} in release.yaml"
            )
        say(f"note: adopting {t.repo_type} {t.repo_id} (ADOPT=1): {plan.adoptable}")
