"""The demo Space, staged in build/release/space/ exactly as it will be uploaded.

It holds demo/app.py, the code it imports, release.yaml (links and the release tag the app loads the
model at), example images, a requirements.txt without gradio (a Space gets gradio from `sdk_version`),
and a README.md whose metadata is built with huggingface_hub's SpaceCardData.
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
from .files import atomic_write_text
from .release_file import license_label, release_links, release_tag

APP = "demo/app.py"
# The page is code-licensed; Hub license ids of the code licenses the template offers.
CODE_LICENSE_IDS = {"Apache-2.0": "apache-2.0", "MIT": "mit", "BSD-3-Clause": "bsd-3-clause", "GPL-3.0-only": "gpl-3.0"}
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc")


def pinned_requirements(root: Path) -> str:
    """The project's runtime dependencies at the versions of requirements.lock, gradio left out."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    locked = {}
    for line in (root / "requirements.lock").read_text(encoding="utf-8").splitlines():
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


def space_data(release: dict[str, Any], **fields: Any) -> SpaceCardData:
    """Metadata both Spaces share (title, emoji, linked model and dataset), plus their own `fields`."""
    return SpaceCardData(
        title=release["title"],
        emoji=release.get("demo", {}).get("emoji", "🔢"),
        colorFrom="indigo",
        colorTo="blue",
        models=[release["hub"]["model"]],
        datasets=[release["hub"]["dataset"]],
        short_description=short_description(release["description"]),
        pinned=False,
        **fields,
    )


def space_card(release: dict[str, Any]) -> SpaceCard:
    links = release_links(release)
    data = space_data(
        release,
        sdk="gradio",
        sdk_version=importlib.metadata.version("gradio"),
        python_version=str(release.get("demo", {}).get("python_version", "3.11")),
        app_file="app.py",
        license=release["license"]["model"],
    )
    paper = f"[Paper]({links['paper']}) · " if links["paper"] else ""
    body = (
        f"\n# Demo\n\nDraw or upload a handwritten digit; the model ({release_tag(release)} of "
        f"[{release['hub']['model']}]({links['model']})) answers with its three most likely labels.\n\n"
        f"{paper}[Code]({links['code']}) · [Model]({links['model']}) · [Dataset]({links['dataset']}) · "
        f"[Project page]({links['page']})\n\nWeights license: {license_label(release, 'model')}.\n"
    )
    return SpaceCard(f"---\n{data.to_yaml()}\n---\n{body}")


def page_space_card(release: dict[str, Any]) -> SpaceCard:
    """The project page is served as a static Space: its README.md says so (sdk: static, app_file index.html)."""
    links = release_links(release)
    license_id = CODE_LICENSE_IDS.get(release["license"]["code"], "other")
    data = space_data(release, sdk="static", app_file="index.html", license=license_id)
    body = f"\n# Project page\n\nThe static files of the project page ({links['page']}): index.html and its assets.\n"
    return SpaceCard(f"---\n{data.to_yaml()}\n---\n{body}")


def stage_space(root: Path, release: dict[str, Any], target: Path) -> None:
    """Write the demo Space into `target` (a fresh directory inside the release staging area)."""
    app = root / APP
    if not app.is_file():
        raise UserError(f"{APP} not found; restore the demo app from git")
    try:
        importlib.metadata.version("gradio")
    except importlib.metadata.PackageNotFoundError:
        raise UserError("gradio is not installed, so the Space's sdk_version is unknown; run make setup") from None
    target.mkdir()
    shutil.copy2(app, target / "app.py")
    for package in (release["package"], "release_tools"):
        shutil.copytree(root / "src" / package, target / package, ignore=IGNORED)
    shutil.copy2(root / "release.yaml", target / "release.yaml")
    examples = sorted((root / "data" / "examples").glob("*.png"))
    if examples:
        (target / "examples").mkdir()
        for example in examples:
            shutil.copy2(example, target / "examples" / example.name)
    atomic_write_text(target / "requirements.txt", pinned_requirements(root))
    atomic_write_text(target / "README.md", str(space_card(release)))
