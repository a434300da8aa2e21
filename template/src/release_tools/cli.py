"""Command-line plumbing: expected errors become one line on stderr and a non-zero exit."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


class UserError(Exception):
    """An expected problem with the user's input; the message says what is wrong and how to fix it."""


def run(main: Callable[[], Any]) -> Any:
    """Call `main`; turn a UserError into `error: <message>` and exit status 1, without a traceback."""
    try:
        return main()
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        raise SystemExit(130) from None
