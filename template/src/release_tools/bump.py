"""`make release VERSION=x.y.z`: bump the version, re-render, commit, tag git, publish.

The version lives in release.yaml (the release) and pyproject.toml (the package); both change together,
by editing the one line that holds it, so comments and layout stay as the researcher wrote them.
"""

from __future__ import annotations

import argparse
import re
import subprocess
from pathlib import Path

from packaging.version import Version

from .cli import UserError, run
from .files import atomic_write_text
from .publish import code_state, publish
from .release_file import VERSION, load_release
from .stage import build_release

RELEASE_LINE = re.compile(r"^version:[ \t]*\S.*$", re.M)
PYPROJECT_LINE = re.compile(r'^version[ \t]*=[ \t]*"[^"\n]*"[ \t]*$', re.M)
RENDERED = ("release.yaml", "pyproject.toml", "README.md", "CITATION.cff")


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        raise UserError(
            f"git {' '.join(args)} failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}"
        )
    return done.stdout.strip()


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


def release(root: Path, version: str, *, publish_after: bool = True) -> str:
    root = Path(root)
    if not VERSION.match(version or ""):
        raise UserError(f"VERSION={version!r} is not a version like 1.2.0; run make release VERSION=MAJOR.MINOR.PATCH")
    current = load_release(root)["version"]
    if Version(version) <= Version(str(current)):
        raise UserError(f"VERSION={version} is not newer than the current version {current}; pick a higher one")
    state = code_state(root)
    if state["commit"] is None:
        raise UserError("not a git repository with a commit; run git init && git add -A && git commit first")
    if state["dirty"]:
        raise UserError(
            "the git tree has uncommitted changes; commit or stash them first, so the release commit holds only the bump"
        )
    tag = f"v{version}"
    if git(root, "tag", "--list", tag):
        raise UserError(f"git tag {tag} already exists; pick another VERSION")
    originals = {name: (root / name).read_bytes() for name in RENDERED if (root / name).is_file()}
    try:
        bump_files(root, version)
        build_release(root)
    except BaseException:
        for name, data in originals.items():  # nothing half-bumped: restore what the bump touched
            (root / name).write_bytes(data)
        raise
    git(root, "add", "--", *[name for name in RENDERED if (root / name).is_file()])
    git(root, "commit", "-q", "-m", f"Release {tag}")
    git(root, "tag", "-a", tag, "-m", f"Release {tag}")
    print(f"committed and tagged {tag} in git")
    if publish_after:
        try:
            publish(root)
        except UserError as exc:
            raise UserError(
                f"{exc} (git tag {tag} is in place; once fixed, make publish finishes the release)"
            ) from None
    return tag


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description="Bump the version, re-render, commit, tag and publish.")
    parser.add_argument("version", help="the new version, e.g. 0.2.0")
    parser.add_argument("--root", default=".", help="project root (default: current directory)")
    parser.add_argument("--no-publish", action="store_true", help="stop after the git tag")
    args = parser.parse_args(argv)
    return run(lambda: release(Path(args.root), args.version, publish_after=not args.no_publish))


if __name__ == "__main__":
    main()
