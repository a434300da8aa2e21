# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""The tooling's own Jinja templates, in templates/ beside this file: the project page and the Spaces' cards.

HTML templates (*.html.j2) escape every value that is not Markup, so text from release.yaml shows as text; Markdown
templates (*.md.j2) insert values as written, as the Hub renders them. A name a template uses but is not given is
an error, not an empty string.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2

TEMPLATES = Path(__file__).parent / "templates"


@functools.cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        # Only Markdown is left unescaped; any other template escapes, so a new HTML template is safe by default.
        autoescape=jinja2.select_autoescape(("html.j2",), disabled_extensions=("md.j2",), default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(name: str, **context: Any) -> str:
    """templates/`name` filled in with `context`."""
    return environment().get_template(name).render(context)
