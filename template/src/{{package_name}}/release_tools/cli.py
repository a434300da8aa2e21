# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""Command-line plumbing: expected errors become one line on stderr and a non-zero exit."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from typing import Any

TOKEN_LIKE = re.compile(r"hf_[A-Za-z0-9]{8,}")


class UserError(Exception):
    """An expected problem with the user's input; the message says what is wrong and how to fix it."""


def one_line(text: str, limit: int = 400) -> str:
    """Whitespace folded, token-like strings masked, and cut to `limit` characters."""
    text = TOKEN_LIKE.sub("hf_***", " ".join(str(text).split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run(main: Callable[[], Any], unexpected: str | None = None) -> Any:
    """Call `main`; turn a UserError into `error: <message>` and exit status 1, without a traceback.

    With `unexpected` (the make target's name), any other exception is one line too, naming how to see the
    traceback (RELEASE_DEBUG=1): release commands end in one `error:` line whatever goes wrong."""
    try:
        return main()
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    except Exception as exc:
        if unexpected is None or os.environ.get("RELEASE_DEBUG"):
            raise
        print(
            f"error: make {unexpected} stopped on an unexpected {type(exc).__name__}: {one_line(str(exc))}; "
            "run it again with RELEASE_DEBUG=1 to see the traceback",
            file=sys.stderr,
        )
        raise SystemExit(1) from None
