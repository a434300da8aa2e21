"""Migration to v0.2.0: release.yaml gains the required `publish:` mapping.

`copier update` never rewrites release.yaml (it is the researcher's, listed in `_skip_if_exists`), so a
project generated before v0.2.0 would miss the field the publishing tooling reads. This script adds it
as text at the end of the file, so every comment, value and the order of the researcher's file stay as
they were. It is idempotent: a file that already has `publish.large_folder_threshold_gb` is left alone.

Run by copier (`_migrations` in copier.yml, after the update is applied) as
`<copier's python> hooks/migrate_v0_2_0_publish.py release.yaml` in the project root; stdlib and
PyYAML (a copier dependency) only. Exit status 1 with one line on stderr when the file cannot be read.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

import yaml

KEY = "large_folder_threshold_gb"
LINE = f"  {KEY}: 5   # above this total, uploads take the resumable large-upload path\n"
BLOCK = "publish:\n" + LINE
PUBLISH_LINE = re.compile(r"^publish:[ \t]*(#.*)?$", re.M)


def migrate(text: str) -> str | None:
    """The migrated text, or None when nothing needs to change. Raises ValueError on a file it cannot read."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise ValueError(f"is not valid YAML{where}; fix it, commit, and run the update again") from None
    if not isinstance(data, dict):
        raise ValueError("must be a YAML mapping; restore it from git, commit, and run the update again")
    publish = data.get("publish")
    if isinstance(publish, dict) and KEY in publish:
        return None
    if "publish" not in data:
        separator = "" if not text or text.endswith("\n") else "\n"
        blank = "" if not text.strip() or text.endswith("\n\n") else "\n"
        return f"{text}{separator}{blank}{BLOCK}"
    match = PUBLISH_LINE.search(text)
    if (publish is None or isinstance(publish, dict)) and match:
        # `publish:` in block style without the key: add it as the mapping's first entry.
        return text[: match.end()] + "\n" + LINE.rstrip("\n") + text[match.end() :]
    raise ValueError(
        f"has a 'publish' field this migration cannot extend; add `{KEY}: 5` under publish: by hand and commit"
    )


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


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else "release.yaml")
    if not path.is_file():
        print(f"migration v0.2.0: {path} not found; nothing to migrate")
        return 0
    try:
        migrated = migrate(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        reason = exc if isinstance(exc, ValueError) else "is not UTF-8 text; save it as UTF-8"
        print(f"error: migration v0.2.0: {path} {reason}", file=sys.stderr)
        return 1
    if migrated is None:
        print(f"migration v0.2.0: {path} already has publish.{KEY}; unchanged")
        return 0
    write_atomically(path, migrated)
    print(f"migration v0.2.0: added publish.{KEY} to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
