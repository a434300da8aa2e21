"""Two generated projects share one environment: one distribution and one top-level import each.

Both are built and installed as wheels (as `pip install .` or `pip install git+...` would) into a fresh
environment that borrows the suite's packages for their dependencies; uninstalling one leaves the other whole.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import render


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv whose dependencies come from this suite's environment (a .pth line), so nothing is downloaded."""
    venv = tmp_path_factory.mktemp("shared-env") / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)  # pip and setuptools: the suite's, via the .pth
    purelib = run(venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").stdout
    Path(purelib.strip(), "suite-packages.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return venv


def test_two_projects_install_side_by_side_and_uninstall_cleanly(environment: Path, tmp_path: Path) -> None:
    python = environment / "bin" / "python"
    projects = {
        name: render(tmp_path / name, {"project_slug": name.replace("_", "-"), "package_name": name})
        for name in ("alpha_research", "beta_research")
    }
    wheels = tmp_path / "wheels"
    for project in projects.values():  # the wheel as a user would build it, no build isolation needed offline
        run(python, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", wheels, project)
    for wheel in sorted(wheels.glob("*.whl")):
        listing = run(python, "-m", "zipfile", "-l", wheel).stdout.split("\n")[1:]
        tops = {line.split()[0].split("/")[0] for line in listing if line.strip()}
        package = wheel.name.split("-")[0]
        assert {t for t in tops if not t.endswith(".dist-info")} == {package}, (wheel.name, tops)
        assert f"{package}/release_tools/page_assets/style.css" in "\n".join(listing)  # package data travels
    run(python, "-m", "pip", "install", "--no-deps", "-q", *sorted(wheels.glob("*.whl")))

    check = (
        "import importlib.util, sys\n"
        "assert importlib.util.find_spec('release_tools') is None, 'a top-level release_tools is installed'\n"
        "for name in sys.argv[1:]:\n"
        "    module = __import__(f'{name}.release_tools.check', fromlist=['check_release'])\n"
        "    assert f'/{name}/release_tools/' in module.__file__, module.__file__\n"
        "    __import__(f'{name}.train')\n"
    )
    elsewhere = tmp_path / "elsewhere"  # not beside the project folders, which would import as namespace packages
    elsewhere.mkdir()
    run(python, "-c", check, "alpha_research", "beta_research", cwd=elsewhere)
    run(python, "-m", "pip", "uninstall", "-y", "-q", "alpha-research")
    run(python, "-c", check, "beta_research", cwd=elsewhere)  # the other project's tooling is intact
    gone = subprocess.run([python, "-c", "import alpha_research"], cwd=elsewhere, capture_output=True, text=True)
    assert gone.returncode != 0 and "No module named 'alpha_research'" in gone.stderr
