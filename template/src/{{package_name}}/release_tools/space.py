# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""The demo Space, staged in build/release/demo/ exactly as it will be uploaded.

It holds demo/app.py, the code it imports, release.yaml (links and the release tag the app loads the
model at), example images, a requirements.txt without gradio (a Space gets gradio from `sdk_version`),
and a README.md whose metadata is built with huggingface_hub's SpaceCardData and whose text is
templates/demo_space.md.j2.
"""

from __future__ import annotations

import importlib.metadata
import re
import shutil
from pathlib import Path
from typing import Any

from huggingface_hub import SpaceCard, SpaceCardData
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .cli import UserError

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from .files import atomic_write_text, read_text
from .gitrepo import TrackedTree
from .release_file import Release
from .templating import render

APP = "demo/app.py"
# The cards' Markdown, in templates/; their metadata is SpaceCardData's YAML.
DEMO_CARD = "demo_space.md.j2"
PAGE_CARD = "page_space.md.j2"
# The page is code-licensed; Hub license ids of the code licenses the template offers.
CODE_LICENSE_IDS = {"Apache-2.0": "apache-2.0", "MIT": "mit", "BSD-3-Clause": "bsd-3-clause", "GPL-3.0-only": "gpl-3.0"}


def pinned_requirements(tree: TrackedTree) -> str:
    """The project's runtime dependencies at the versions of requirements.lock, gradio left out."""
    project = tomllib.loads(read_text(tree.file("pyproject.toml"), "pyproject.toml"))["project"]
    locked = {}
    for line in read_text(tree.file("requirements.lock"), "requirements.lock").splitlines():
        name, sep, version = line.strip().partition("==")
        if sep and not name.startswith("#"):
            locked[canonicalize_name(name)] = version
    lines = []
    for spec in project["dependencies"]:
        name = canonicalize_name(Requirement(spec).name)
        if name == "gradio":
            continue
        lines.append(f"{name}=={locked[name]}" if name in locked else spec)
    return "\n".join(sorted(lines)) + "\n"


def short_description(text: str, limit: int = 60) -> str:
    """The Hub caps a Space's short_description at 60 characters."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def space_data(release: Release, **fields: Any) -> SpaceCardData:
    """Metadata both Spaces share (title, emoji, linked model and dataset), plus their own `fields`."""
    return SpaceCardData(
        title=release.title,
        emoji=release.demo_emoji or "🔢",
        colorFrom="indigo",
        colorTo="blue",
        models=[release.hub.model],
        datasets=[release.hub.dataset],
        short_description=short_description(release.description),
        pinned=False,
        **fields,
    )


def space_card(release: Release) -> SpaceCard:
    data = space_data(
        release,
        sdk="gradio",
        sdk_version=importlib.metadata.version("gradio"),
        python_version=release.demo_python_version or "3.11",
        app_file="app.py",
        license=release.license.model,
    )
    return SpaceCard(
        render(
            DEMO_CARD,
            card_data=data.to_yaml(),
            description=release.description,
            tag=release.tag,
            model_repo=release.hub.model,
            links=release.artifact_links,
            weights_license=release.license.label("model"),
        )
    )


def page_space_card(release: Release) -> SpaceCard:
    """The project page is served as a static Space: its README.md says so (sdk: static, app_file index.html)."""
    license_id = CODE_LICENSE_IDS.get(release.license.code, "other")
    data = space_data(release, sdk="static", app_file="index.html", license=license_id)
    return SpaceCard(render(PAGE_CARD, card_data=data.to_yaml(), links=release.artifact_links))


TOOLS = Path(__file__).parent.name  # release_tools, this subpackage of the research package
# `release_tools.x` anywhere (an import, or importlib.import_module("<package>.release_tools.x")), and `from
# <package>.release_tools import x, y`; inside the tooling, `from .x import ...` and `from . import x, y`.
TOOL_NAME = re.compile(rf"\b{TOOLS}\.(\w+)")
# What an import statement imports: a parenthesised list (over any number of lines) or the rest of its line (with
# backslash continuations), never the next statement.
IMPORTED = r"import[ \t]*(?:\(([^)]*)\)|((?:[^\n#(\\]|\\\n)*))"
FROM_TOOLS = re.compile(rf"^[ \t]*from[ \t]+[\w.]*\b{TOOLS}[ \t]+{IMPORTED}", re.M)
RELATIVE = re.compile(rf"^[ \t]*from[ \t]+\.(\w*)[ \t]+{IMPORTED}", re.M)


def imported_names(parenthesised: str, single_line: str) -> set[str]:
    """The names of one `from ... import` (`x as y` is x), comments and line breaks left out."""
    text = re.sub(r"#[^\n]*", "", parenthesised or single_line).replace("\\\n", " ")
    return {item.split()[0] for item in text.split(",") if item.strip()}


def tool_modules(tree: TrackedTree, tools_dir: str, sources: list[str]) -> set[str]:
    """The tooling's modules (by name, __init__ always) that `sources` import, directly or through each other.

    Read from the source text, so a Space ships the demo's few helpers, not the publishing or update machinery."""
    depth = tools_dir.count("/") + 1
    available = {Path(r).stem for r in tree.under(tools_dir) if r.endswith(".py") and r.count("/") == depth}
    wanted, queue = {"__init__"}, [s for s in sources if s.endswith(".py")]
    while queue:
        relative = queue.pop()
        text = read_text(tree.file(relative), relative)
        names = set(TOOL_NAME.findall(text))
        names |= {n for found in FROM_TOOLS.findall(text) for n in imported_names(*found)}
        if relative.startswith(tools_dir + "/"):
            for module, *imported in RELATIVE.findall(text):
                names |= {module} if module else imported_names(*imported)
        for name in (names & available) - wanted:
            wanted.add(name)
            queue.append(f"{tools_dir}/{name}.py")
    return wanted & available


def stage_space(tree: TrackedTree, release: Release, target: Path, examples: list[Path]) -> None:
    """Write the demo Space into `target` (a fresh directory inside the release staging area): the app and the
    code it imports as git tracks them, release.yaml, the example inputs `make data` recorded, and the card."""
    try:
        importlib.metadata.version("gradio")
    except importlib.metadata.PackageNotFoundError:
        raise UserError("gradio is not installed, so the Space's sdk_version is unknown; run make setup") from None
    target.mkdir()
    if not tree.has(APP):
        tree.file(APP)  # one line: missing, or not tracked
    demo = tree.copy_folder("demo", target)  # app.py (the template's wiring), ui.py (what it shows), their assets
    package = release.package
    tools_dir = f"src/{package}/{TOOLS}"
    code = [r for r in tree.under(f"src/{package}") if not r.startswith(tools_dir + "/") and not r.endswith(".pyc")]
    if not code:
        raise UserError(f"src/{package}/ has no files tracked by git; git add it and commit")
    for relative in code:
        tree.copy(relative, target / Path(relative).relative_to("src"))
    for module in sorted(tool_modules(tree, tools_dir, [*demo, *code])):  # only the tooling the Space's code imports
        tree.copy(f"{tools_dir}/{module}.py", target / package / TOOLS / f"{module}.py")
    tree.copy("release.yaml", target / "release.yaml")
    for example in examples:
        if (target / "examples" / example.name).exists():
            raise UserError(f"two example inputs are named {example.name}; give each a distinct file name")
        (target / "examples").mkdir(exist_ok=True)
        shutil.copyfile(example, target / "examples" / example.name)
    atomic_write_text(target / "requirements.txt", pinned_requirements(tree))
    atomic_write_text(target / "README.md", str(space_card(release)))
