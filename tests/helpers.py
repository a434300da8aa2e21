"""Helpers shared by the template's tests: rendering and running generated projects, the release pipeline and a
shared trained checkpoint, the hostile answers, citation readers, and the loopback environment. Test modules import
from here (fixtures live in conftest.py), never from each other."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import copier
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_ENV = Path(sys.prefix)


def render(destination: Path, answers: dict[str, Any], source: Path = ROOT) -> Path:
    """`copier copy --defaults --data ...` of the working tree, as a user would script it. `source`: a plain copy of
    the working tree (the `template_files` fixture) that copier reads in place instead of cloning the repository:
    for tests of the questions alone, where the clone would take most of the time."""
    vcs = {"vcs_ref": "HEAD"} if source == ROOT else {}
    copier.run_copy(str(source), str(destination), data=answers, defaults=True, quiet=True, unsafe=False, **vcs)
    return destination


def make(project: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run a make target of a generated project in the shared environment."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return subprocess.run(
        ["make", *args, f"VENV={SHARED_ENV}"], cwd=project, env=env, capture_output=True, text=True, timeout=timeout
    )


def commit_all(project: Path, message: str = "work") -> None:
    """`git init` (once) and commit everything, as the generated README says: a release stages what git tracks."""
    git = ["git", "-c", "user.name=Researcher", "-c", "user.email=researcher@example.org"]
    if not (project / ".git").exists():
        subprocess.run([*git, "init", "-q", "-b", "main"], cwd=project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=project, check=True)
    if subprocess.run(["git", "diff", "--cached", "--quiet"], cwd=project).returncode != 0:
        subprocess.run([*git, "commit", "-q", "--no-verify", "-m", message], cwd=project, check=True)


def block(text: str, name: str) -> str:
    return re.search(rf"<!-- release:{name}:start -->\n(.*?)<!-- release:{name}:end -->", text, re.S).group(1)


# make targets that produce a release's artifacts (data/, checkpoints/, results/), then those that release them.
TRAIN_TARGETS = (["data"], ["train", "ARGS=train.epochs=1"], ["eval"], ["benchmark"])
RELEASE_TARGETS = (["stage"], ["check-release"])
ARTIFACTS = ("data", "checkpoints", "results")
WINE_ANSWERS = {"example": "tabular-classification", "hf_namespace": "test-user"}  # trained_wine's


def made(project: Path, *args: str) -> subprocess.CompletedProcess:
    """`make <args>` that must succeed; the failure shows the ends of its output."""
    done = make(project, *args)
    assert done.returncode == 0, f"make {' '.join(args)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def seed_artifacts(trained: Path, project: Path) -> None:
    """Give `project` the data, checkpoint and results that `trained` (a project of the same example) produced, as if
    its own `make data train eval benchmark` had run: answer sets that differ only in metadata release the same
    model, so one training serves them all."""
    for name in ARTIFACTS:
        shutil.copytree(trained / name, project / name, symlinks=True)


def run_release_pipeline(root: Path, trained: Path | None = None) -> None:
    """git commit → data → a one-epoch training run → eval → benchmark → stage → check-release, through make; with
    `trained`, its artifacts stand in for the four producing targets."""
    commit_all(root, "generated")
    if trained is not None:
        seed_artifacts(trained, root)
    for target in RELEASE_TARGETS if trained is not None else TRAIN_TARGETS + RELEASE_TARGETS:
        made(root, *target)


TITLE = 'Q: "Quoted" # not a comment \\ back\\slash {{ braces }} {% raw %} 50% $x_1$ & a--b <script>alert("x")</script> 🚀 日本語 Ωμέγα ~^`\''


DESCRIPTION = "One line: with #hash, 'quotes', \"double\", {braces}, <b>tags</b>, emoji 🤗 and 中文."


AUTHORS = [
    {
        "name": "Seán O'Brien-García",
        "affiliation": 'Lab #7: "A\\B" {x} <i>Inst</i>',
        "email": "sean.obrien@example.org",
        "orcid": "0000-0002-1825-0097",
    },
    {"name": "李小龍", "affiliation": "東京大学"},
    {"name": "Zoë {Jr.} \\ <b>Bold</b>", "affiliation": "Üniversität & Co. 🚀"},
]


HOSTILE = {
    "project_title": TITLE,
    "description": DESCRIPTION,
    "authors": AUTHORS,
    "project_slug": "hostile-test",
    "arxiv_id": "2501.01234v3",
}


# Markdown and HTML a researcher might paste: the page must show it as text, load nothing and run nothing.
ABSTRACT = (
    'Hostile <img src="https://example.org/pixel.png"> and <script>alert("x")</script> with '
    "[a bad link](javascript:alert(1)), *emphasis* and `code`.\n\nSecond paragraph: {{ braces }} 日本語 🚀.\n"
)


NODE_TOOLS = Path(os.environ.get("MLRELEASE_NODE_TOOLS") or ROOT / ".cache" / "node-tools")


# Pinned; .ci/run installs the same list (test_ci_installs_the_node_tools_the_tests_use).
NODE_PACKAGES = ("@citation-js/cli@0.7.21", "@citation-js/plugin-cff@0.7.3", "lighthouse@12.2.3")


def node_tool(name: str) -> Path:
    """The npm tool's executable, installed into NODE_TOOLS on first use; a skip only where npm is absent."""
    binary = NODE_TOOLS / "node_modules" / ".bin" / name
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(f"npm is not on PATH, so {name} cannot be installed (CI: .ci/run installs Debian's npm)")
    command = [npm, "install", "--prefix", str(NODE_TOOLS), "--no-audit", "--no-fund", "--loglevel=error"]
    done = subprocess.run([*command, *NODE_PACKAGES], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and binary.exists(), done.stdout[-2000:] + done.stderr[-2000:]
    return binary


def citation_js(path: Path, style: str = "csl") -> list[dict] | str:
    """citation-js's reading of a CITATION.cff or .bib file: CSL-JSON records, or a formatted bibliography."""
    command = [str(node_tool("citation-js")), "--plugins", "cff", "-i", str(path), "-f", "string", "-s", style]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip(), done.stderr[-2000:]
    return json.loads(done.stdout) if style == "csl" else done.stdout


def readme_bibtex(root: Path) -> str:
    return re.search(r"```bibtex\n(.*?)\n```", (root / "README.md").read_text(encoding="utf-8"), re.S).group(1)


def bibtex_records(text: str, folder: Path) -> list[dict]:
    path = folder / "citation.bib"
    path.write_text(text + "\n", encoding="utf-8")
    return citation_js(path)


def cff_records(root: Path) -> tuple[dict, dict | None]:
    """The software (CITATION.cff's top level) and the preferred citation, as citation-js reads the file."""
    records = citation_js(root / "CITATION.cff")
    software = [r for r in records if r["type"] == "software"]
    others = [r for r in records if r["type"] != "software"]
    assert len(software) == 1 and len(others) <= 1, records
    return software[0], (others[0] if others else None)


def summary(record: dict) -> dict:
    """What a citation must agree on: title, authors, year, DOI, and the arXiv id in the URL."""
    names = [" ".join(filter(None, (a.get("given"), a.get("family")))) for a in record.get("author", [])]
    arxiv = re.search(r"arxiv\.org/abs/(\S+)$", record.get("URL", ""))
    return {
        "title": record.get("title"),
        "authors": names,
        "year": record.get("issued", {}).get("date-parts", [[None]])[0][0],
        "DOI": record.get("DOI"),
        "arxiv": arxiv.group(1) if arxiv else None,
        "container": record.get("container-title"),
    }


GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ada",
    "GIT_AUTHOR_EMAIL": "ada@example.org",
    "GIT_COMMITTER_NAME": "Ada",
    "GIT_COMMITTER_EMAIL": "ada@example.org",
}


def base_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING")) and k.lower() not in PROXIES}
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    return {
        **env,
        **GIT_ENV,
        "HF_HOME": str(tmp / "hf-home"),  # no token or cache from the developer's machine
        "HF_HUB_CACHE": str(tmp / "hf-cache"),
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        "HF_HUB_DISABLE_UPDATE_CHECK": "1",
        "HTTP_PROXY": "http://127.0.0.1:9",  # anything not sent to 127.0.0.1 fails fast
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "127.0.0.1,localhost",
    }


PROXIES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


CONFLICT = re.compile(r"^(<{7} |={7}$|>{7} )", re.M)


def run(cwd: Path, *command: str | Path, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 or not check, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def copy_working_tree(destination: Path) -> None:
    listed = run(ROOT, "git", "ls-files", "-co", "--exclude-standard", "-z").stdout.split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, destination / name)


def leftovers(project: Path) -> list[str]:
    found = []
    for path in project.rglob("*"):
        if ".git" in path.relative_to(project).parts or not path.is_file():
            continue
        if path.suffix == ".rej" or CONFLICT.search(path.read_text(encoding="utf-8", errors="replace")):
            found.append(path.relative_to(project).as_posix())
    return found
