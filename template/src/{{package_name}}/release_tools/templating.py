# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""The tooling's own Jinja templates, in templates/ beside this file: the project page and the Spaces' cards.

HTML templates (*.html.j2) escape every value that is not Markup, so text from release.yaml shows as text; Markdown
templates (*.md.j2) insert values as written, as the Hub renders them. A name a template uses but is not given is
an error, not an empty string.
"""

from __future__ import annotations

import functools
import html
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"


def escape(value: Any) -> Markup:
    """Text for HTML content and quoted attribute values, & < > " ' escaped; Markup (already HTML) as it is.

    html.escape's spelling (&quot; &#x27;) rather than MarkupSafe's (&#34; &#39;): the same characters to a
    browser, and the page's source keeps the text exactly as html.escape gives it."""
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return Markup(html.escape(str(value), quote=True))


@jinja2.pass_eval_context
def _escaped(eval_ctx: jinja2.nodes.EvalContext, value: Any) -> Any:
    # Jinja's autoescape then leaves the Markup as it is; Markdown templates get the value untouched.
    return escape(value) if eval_ctx.autoescape else value


@functools.cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        # Only Markdown is left unescaped; any other template escapes, so a new HTML template is safe by default.
        autoescape=jinja2.select_autoescape(("html.j2",), disabled_extensions=("md.j2",), default=True),
        finalize=_escaped,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(name: str, **context: Any) -> str:
    """templates/`name` filled in with `context`."""
    return environment().get_template(name).render(context)
