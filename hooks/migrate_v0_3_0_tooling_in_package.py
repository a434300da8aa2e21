"""Migration to v0.3.0: the release tooling moved from src/release_tools/ into the project's own package.

Before v0.3.0 a generated project installed two top-level packages, `<package>` and `release_tools`, so two
projects in one environment overwrote each other's tooling. From v0.3.0 the tooling is `<package>.release_tools`
(src/<package>/release_tools/, still the template's). `copier update` moves the template's files; this script
fixes the researcher's files that import the tooling, which an update never rewrites (`_skip_if_exists`):
Python files in src/<package>/ (outside release_tools/), demo/ui.py and tests/example/.

Only import statements and `importlib.import_module("release_tools...")` strings change, as text: every other
line stays as the researcher wrote it. It is idempotent (`<package>.release_tools` is left alone). A leftover
src/release_tools/ holding only ignored files (__pycache__) is removed, so it cannot shadow anything.

Run by copier (`_migrations` in copier.yml, after the update is applied) as
`<copier's python> hooks/migrate_v0_3_0_tooling_in_package.py` in the project root; stdlib and PyYAML only.
Exit status 1 with one line on stderr when it cannot tell the package or read a file.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

VERSION = "v0.3.0"
# `from release_tools.x import`, `from release_tools import`, `import release_tools.x`, and the module name in a
# string (importlib.import_module("release_tools.x")); never `<anything>.release_tools`.
IMPORT_FROM = re.compile(r"^(\s*from\s+)release_tools(?=[.\s])", re.M)
IMPORT_PLAIN = re.compile(r"^(\s*import\s+)release_tools(?=[.\s,]|$)", re.M)
MODULE_STRING = re.compile(r"""(?<=["'])release_tools(?=[."'])""")
PACKAGE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def package_of(root: Path) -> str:
    """The research package, from release.yaml's `package` (else .copier-answers.yml's package_name)."""
    for name, key in (("release.yaml", "package"), (".copier-answers.yml", "package_name")):
        path = root / name
        if not path.is_file():
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        value = data.get(key) if isinstance(data, dict) else None
        if isinstance(value, str) and PACKAGE_NAME.match(value):
            return value
    raise ValueError(
        "no valid `package` in release.yaml (nor package_name in .copier-answers.yml); set it to your package's name"
    )


def migrate(text: str, package: str) -> str | None:
    """The text with the tooling imported from `<package>.release_tools`, or None when nothing changes."""
    new = IMPORT_FROM.sub(rf"\g<1>{package}.release_tools", text)
    new = IMPORT_PLAIN.sub(rf"\g<1>{package}.release_tools", new)
    new = MODULE_STRING.sub(f"{package}.release_tools", new)
    return None if new == text else new


def researcher_files(root: Path, package: str) -> list[Path]:
    code = root / "src" / package
    files = [p for p in code.rglob("*.py") if "release_tools" not in p.relative_to(code).parts[:1]]
    files.append(root / "demo" / "ui.py")
    files += list((root / "tests" / "example").rglob("*.py"))
    return sorted(p for p in files if p.is_file() and not p.is_symlink())


def write_atomically(path: Path, text: str) -> None:
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_tooling(root: Path) -> bool:
    """src/release_tools/ with no Python source left (only caches) would still import as an empty package."""
    old = root / "src" / "release_tools"
    if not old.is_dir() or old.is_symlink() or any(old.rglob("*.py")):
        return False
    shutil.rmtree(old)
    return True


def main(argv: list[str]) -> int:
    root = Path(argv[1] if len(argv) > 1 else ".")
    try:
        package = package_of(root)
        planned = {}
        for path in researcher_files(root, package):
            try:
                migrated = migrate(path.read_text(encoding="utf-8"), package)
            except UnicodeDecodeError:
                raise ValueError(f"{path.relative_to(root)} is not UTF-8 text; save it as UTF-8") from None
            if migrated is not None:
                planned[path] = migrated
    except ValueError as exc:
        print(f"error: migration {VERSION}: {exc}; then run the update again", file=sys.stderr)
        return 1
    for path, text in planned.items():  # every file read and rewritten in memory first: nothing half-migrated
        write_atomically(path, text)
        print(f"migration {VERSION}: {path.relative_to(root)} imports the tooling as {package}.release_tools")
    if remove_stale_tooling(root):
        print(f"migration {VERSION}: removed src/release_tools/ (only caches were left)")
    if not planned:
        print(f"migration {VERSION}: no file imports the old top-level release_tools; unchanged")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
