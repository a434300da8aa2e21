"""release.yaml: load it, check every field, and derive the links every artifact shows.

Errors name the file, the field and the fix, so the renderer and `make check-release` agree.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .cli import UserError
from .config import read_yaml

RELEASE_FILE = "release.yaml"

# License ids the Hugging Face Hub accepts in card metadata (https://huggingface.co/docs/hub/repositories-licenses).
HUB_LICENSES = frozenset(
    """apache-2.0 mit openrail bigscience-openrail-m creativeml-openrail-m bigscience-bloom-rail-1.0
    bigcode-openrail-m afl-3.0 artistic-2.0 bsl-1.0 bsd bsd-2-clause bsd-3-clause bsd-3-clause-clear c-uda cc
    cc0-1.0 cc-by-2.0 cc-by-2.5 cc-by-3.0 cc-by-4.0 cc-by-sa-3.0 cc-by-sa-4.0 cc-by-nc-2.0 cc-by-nc-3.0
    cc-by-nc-4.0 cc-by-nd-4.0 cc-by-nc-nd-3.0 cc-by-nc-nd-4.0 cc-by-nc-sa-2.0 cc-by-nc-sa-3.0 cc-by-nc-sa-4.0
    cdla-sharing-1.0 cdla-permissive-1.0 cdla-permissive-2.0 wtfpl ecl-2.0 epl-1.0 epl-2.0 etalab-2.0 eupl-1.1
    eupl-1.2 agpl-3.0 gfdl gpl gpl-2.0 gpl-3.0 lgpl lgpl-2.1 lgpl-3.0 isc h-research intel-research lppl-1.3c
    ms-pl apple-ascl apple-amlr mpl-2.0 odc-by odbl openmdw-1.0 openrail++ osl-3.0 postgresql ofl-1.1 ncsa
    unlicense zlib pddl lgpl-lr deepfloyd-if-license fair-noncommercial-research-license llama2 llama3 llama3.1
    llama3.2 llama3.3 llama4 gemma unknown other""".split()
)
ARXIV_ID = re.compile(r"^[0-9]{2}(0[1-9]|1[0-2])\.[0-9]{4,5}(v[1-9][0-9]*)?$")
REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+([.-]?(a|b|rc|post|dev)[0-9]+)?$")


def _get(data: dict, dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def release_problems(data: Any, path: str = RELEASE_FILE) -> list[str]:
    """Every problem with the release metadata, each as `<file>: field '<name>' ...; <fix>`."""
    if not isinstance(data, dict):
        return [f"{path}: must be a YAML mapping with title, description, version, authors, hub, license and model"]
    problems = []

    def need(field: str, kind: type | tuple, fix: str, *, optional: bool = False) -> Any:
        value = _get(data, field)
        if value is None and optional:
            return None
        if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
            problems.append(
                f"{path}: field '{field}' is missing or not a {getattr(kind, '__name__', 'valid value')}; {fix}"
            )
            return None
        return value

    need("title", str, "set the paper or project title")
    need("package", str, "set the Python package of the research code (the folder under src/)")
    need("citation_key", str, "set a BibTeX key such as digits2026")
    need("year", int, "set the publication year, e.g. 2026")
    need("description", str, "set a one-sentence description")
    version = need("version", str, "set a version like 0.1.0 (quote it)")
    if version and not VERSION.match(version):
        problems.append(f"{path}: field 'version' is {version!r}; use MAJOR.MINOR.PATCH like 0.1.0")
    arxiv = need("arxiv_id", str, "use null or an id like 2501.01234", optional=True)
    if arxiv and not ARXIV_ID.match(arxiv):
        problems.append(
            f"{path}: field 'arxiv_id' is {arxiv!r}; use YYMM.NNNN or YYMM.NNNNN (optional vN), e.g. 2501.01234"
        )
    authors = need("authors", list, "list the authors as mappings with name and affiliation")
    for i, author in enumerate(authors or []):
        if not isinstance(author, dict) or not str(author.get("name") or "").strip():
            problems.append(f"{path}: field 'authors[{i}].name' is missing; give every author a name and affiliation")
    need("links.code", str, "set the code repository URL, e.g. https://github.com/OWNER/REPO")
    for field in ("hub.model", "hub.dataset", "hub.demo", "hub.page"):
        repo = need(field, str, "set a Hub repository id like my-lab/my-model")
        if repo and not REPO_ID.match(repo):
            problems.append(
                f"{path}: field '{field}' is {repo!r}; use NAMESPACE/NAME with letters, digits, '-', '_' or '.'"
            )
    visibility = _get(data, "hub.visibility")
    if visibility not in ("private", "public"):
        problems.append(f"{path}: field 'hub.visibility' is {visibility!r}; use private or public")
    need("license.code", str, "set the code license, e.g. Apache-2.0")
    for kind in ("model", "data"):
        license_id = need(f"license.{kind}", str, "set a Hugging Face license id, e.g. apache-2.0")
        if license_id and license_id not in HUB_LICENSES:
            problems.append(
                f"{path}: field 'license.{kind}' is {license_id!r}, not a Hugging Face license id; use e.g. apache-2.0, mit, cc-by-4.0, or other with license.{kind}_name and license.{kind}_link"
            )
        if license_id == "other":
            need(
                f"license.{kind}_name",
                str,
                f"license.{kind} is other: give the license a short id, e.g. my-lab-license",
            )
            need(f"license.{kind}_link", str, f"license.{kind} is other: link its full text (URL or file name)")
    need("model.pipeline_tag", str, "set the Hub pipeline tag, e.g. image-classification")
    need("model.library_name", str, "set the library name, e.g. pytorch")
    for field in ("model.language", "model.tags", "model.datasets"):
        need(field, list, "use a YAML list (possibly empty: [])")
    need("model.base_model", str, "use null or a Hub model id", optional=True)
    threshold = need(
        "publish.large_folder_threshold_gb",
        (int, float),
        "add `publish: {large_folder_threshold_gb: 5}` (copier update --trust adds it to older projects)",
    )
    if isinstance(threshold, bool) or (threshold is not None and threshold < 0):
        problems.append(f"{path}: field 'publish.large_folder_threshold_gb' is {threshold!r}; use a size in GB like 5")
    return problems


def load_release(root: Path = Path("."), name: str = RELEASE_FILE) -> dict[str, Any]:
    path = Path(root) / name
    if not path.is_file():
        raise UserError(
            f"{name} not found in {Path(root).resolve()}; it holds the release metadata, restore it from git"
        )
    data = read_yaml(path, name)
    problems = release_problems(data, name)
    if problems:
        raise UserError(problems[0])
    return data


def hub_url(kind: str, repo_id: str) -> str:
    prefix = {"model": "", "dataset": "datasets/", "space": "spaces/"}[kind]
    return f"https://huggingface.co/{prefix}{repo_id}"


def release_links(release: dict[str, Any]) -> dict[str, str | None]:
    """The six links every artifact carries: paper, code, model, dataset, demo, page."""
    arxiv = release.get("arxiv_id")
    links = release.get("links") or {}
    return {
        "paper": f"https://arxiv.org/abs/{arxiv}" if arxiv else None,
        "code": links.get("code"),
        "model": hub_url("model", release["hub"]["model"]),
        "dataset": hub_url("dataset", release["hub"]["dataset"]),
        "demo": hub_url("space", release["hub"]["demo"]),
        "page": links.get("page_url") or hub_url("space", release["hub"]["page"]),
    }


def release_tag(release: dict[str, Any]) -> str:
    return f"v{release['version']}"


def license_label(release: dict[str, Any], kind: str) -> str:
    """Display name of the model or data license: the id, or the custom name for `other`."""
    lic = release["license"]
    return lic[f"{kind}_name"] if lic[kind] == "other" else lic[kind]
