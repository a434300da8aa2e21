# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""`make release VERSION=x.y.z`: bump the version, re-render, commit, tag git, publish.

The version lives in release.yaml (the release) and pyproject.toml (the package); both change together,
by editing the one line that holds it, so comments and layout stay as the researcher wrote them.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from packaging.version import Version

from .cli import UserError, run
from .files import atomic_write_text
from .gitrepo import (
    commit_changes,
    create_tag,
    stage_paths,
    staged,
    tag_commit,
    tree_state,
)
from .paper_numbers import GENERATED, paper_folder
from .publish import publish
from .record import LOCK_FILE
from .release_file import VERSION, Release, normalized_version
from .stage import build_release

RELEASE_LINE = re.compile(r"^version:[ \t]*\S.*$", re.M)
PYPROJECT_LINE = re.compile(r'^version[ \t]*=[ \t]*"[^"\n]*"[ \t]*$', re.M)
RENDERED = ("release.yaml", "pyproject.toml", "README.md", "CITATION.cff")
# The release commit also holds the numbers the cards and page are drawn from, so a checkout of the tag (the Pages
# workflow) rebuilds them; the release record only exists after publishing and gets a commit of its own.
RESULTS_GLOB = "results/*.json"


def release_commit_files(root: Path) -> list[str]:
    results = sorted(
        p.relative_to(root).as_posix() for p in root.glob(RESULTS_GLOB) if p.is_file() and not p.is_symlink()
    )
    return [name for name in RENDERED if (root / name).is_file()] + results + paper_generated_files(root)


def paper_generated_files(root: Path) -> list[str]:
    """The paper's generated numbers and release facts (make stage rewrites them), when the paper is in the project."""
    generated = (paper_folder(root) / GENERATED).resolve()
    if not generated.is_dir() or not generated.is_relative_to(root.resolve()):
        return []
    files = sorted(p for p in generated.iterdir() if p.is_file() and not p.is_symlink())
    return [p.relative_to(root.resolve()).as_posix() for p in files]


def replace_once(text: str, pattern: re.Pattern, line: str, where: str) -> str:
    found = pattern.findall(text)
    if len(found) != 1:
        raise UserError(f"{where}: expected exactly one top-level version line, found {len(found)}; fix it by hand")
    return pattern.sub(line, text, count=1)


def bump_files(root: Path, version: str) -> None:
    release_path, pyproject_path = root / "release.yaml", root / "pyproject.toml"
    release_text = replace_once(
        release_path.read_text(encoding="utf-8"), RELEASE_LINE, f"version: {version}", "release.yaml"
    )
    pyproject_text = replace_once(
        pyproject_path.read_text(encoding="utf-8"), PYPROJECT_LINE, f'version = "{version}"', "pyproject.toml"
    )
    atomic_write_text(release_path, release_text)
    atomic_write_text(pyproject_path, pyproject_text)


def release(root: Path, version: str, *, publish_after: bool = True, adopt: bool = False) -> str:
    root = Path(root)
    given = version
    version = normalized_version(version or "") if VERSION.match(version or "") else None
    if version is None:
        raise UserError(f"VERSION={given!r} is not a version like 1.2.0; run make release VERSION=MAJOR.MINOR.PATCH")
    current = Release.load(root).version
    if Version(version) <= Version(str(current)):
        raise UserError(f"VERSION={version} is not newer than the current version {current}; pick a higher one")
    state = tree_state(root)
    if state.commit is None:
        raise UserError("not a git repository with a commit; run git init && git add -A && git commit first")
    if state.dirty:
        shown = ", ".join(state.dirty_paths[:5])
        raise UserError(
            f"the git tree has uncommitted changes or untracked files ({shown}); commit or stash them first, so the release commit holds only the bump"
        )
    tag = f"v{version}"
    if tag_commit(root, tag):
        raise UserError(f"git tag {tag} already exists; pick another VERSION")
    originals = {name: (root / name).read_bytes() for name in RENDERED if (root / name).is_file()}
    try:
        bump_files(root, version)
        build_release(root)
    except BaseException:
        for name, data in originals.items():  # nothing half-bumped: restore what the bump touched
            (root / name).write_bytes(data)
        raise
    stage_paths(root, release_commit_files(root))
    commit_changes(root, f"Release {tag}")
    create_tag(root, tag, "HEAD", f"Release {tag}")
    print(f"committed and tagged {tag} in git")
    if publish_after:
        try:
            publish(root, adopt=adopt)
        except UserError as exc:
            raise UserError(
                f"{exc} (git tag {tag} is in place; once fixed, make publish finishes the release)"
            ) from None
        commit_record(root, tag)
    return tag


def commit_record(root: Path, tag: str) -> None:
    """Commit release.lock.json after the tag: `make verify-release` in any clone of the branch trusts it."""
    stage_paths(root, [LOCK_FILE])
    if staged(root, LOCK_FILE):  # unchanged on a re-run: no commit
        commit_changes(root, f"Record release {tag}", [LOCK_FILE])
        print(f"committed {LOCK_FILE}, the record of {tag}")


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description="Bump the version, re-render, commit, tag and publish.")
    parser.add_argument("version", help="the new version, e.g. 0.2.0")
    parser.add_argument("--root", default=".", help="project root (default: current directory)")
    parser.add_argument("--no-publish", action="store_true", help="stop after the git tag")
    parser.add_argument("--adopt", action="store_true", help="publish into repositories no release of ours made")
    args = parser.parse_args(argv)
    return run(
        lambda: release(Path(args.root), args.version, publish_after=not args.no_publish, adopt=args.adopt),
        unexpected="release",
    )


if __name__ == "__main__":
    main()
