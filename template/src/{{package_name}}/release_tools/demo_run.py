# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""Start the Gradio demo in a subprocess and time it: `make benchmark-demo` (cold start), and the demo tests.

Cold start is measured from process start to the first answered request, through gradio_client.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .cli import UserError, one_line, run
from .contract import load_contract
from .files import atomic_write_json
from .provenance import hardware, library_versions
from .release_file import Release


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(
    app: Path, env: dict[str, str], *, cwd: Path | None = None, port: int | None = None
) -> Iterator[tuple[str, subprocess.Popen, float]]:
    """Yield (url, process, start time) of the Gradio app `app` listening on 127.0.0.1 with exactly `env`."""
    port = port or free_port()
    environment = {**env, "GRADIO_SERVER_PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False"}
    environment.pop("GRADIO_SERVER_NAME", None)  # a check never listens beyond loopback
    # The app's output goes to a file: a pipe nobody reads fills up and blocks the server.
    with tempfile.TemporaryFile("w+") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, str(app)],
            cwd=cwd or app.parent,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        process.log = log  # type: ignore[attr-defined]
        try:
            yield f"http://127.0.0.1:{port}/", process, started
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def running_demo(
    root: Path, env: dict[str, str] | None = None, port: int | None = None
) -> contextlib.AbstractContextManager[tuple[str, subprocess.Popen, float]]:
    """The project's demo/app.py, with the project's src/ on the path (as `make demo` runs it)."""
    environment = {**os.environ, **(env or {})}
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root / "src"), environment.get("PYTHONPATH")]))
    return running_app(root / "demo" / "app.py", environment, cwd=root, port=port)


def output_of(process: subprocess.Popen) -> str:
    log = getattr(process, "log", None)
    if log is None:
        return ""
    log.seek(0)
    return log.read()[-2000:]


def client_args(values: list[Any]) -> list[Any]:
    """The `/predict` arguments for gradio_client: a file (a Path, or {"file": path}) goes as handle_file."""
    from gradio_client import handle_file

    def one(value: Any) -> Any:
        if isinstance(value, Path):
            return handle_file(str(value))
        if isinstance(value, dict) and set(value) == {"file"}:
            return handle_file(value["file"])
        return value

    return [one(v) for v in values]


def listening(url: str) -> bool:
    """Whether something accepts connections at the URL's host and port: a cheap test to poll with. Each try of a
    gradio Client costs tens of milliseconds of CPU, which a demo booting on a small machine needs."""
    address = urlsplit(url)
    try:
        with socket.create_connection((address.hostname, address.port), timeout=1):
            return True
    except OSError:
        return False


def first_answer(url: str, process: subprocess.Popen, values: list[Any], timeout: float = 120) -> Any:
    """Poll until the demo answers `/predict` with `values` (the inputs' values); returns the answer. Fails if the
    process exits first."""
    from gradio_client import Client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            lines = [line for line in output_of(process).splitlines() if line.strip()]
            raise UserError(
                f"the demo exited with status {process.returncode}: {one_line(lines[-1] if lines else 'no output')}"
            )
        if not listening(url):  # not up yet
            time.sleep(0.2)
            continue
        try:
            client = Client(url, verbose=False)
            return client.predict(*client_args(values), api_name="/predict")
        except Exception as exc:  # until the server listens: connection refused, or no config yet
            if type(exc).__name__ not in {
                "ConnectError",
                "ConnectionError",
                "ConnectionRefusedError",
                "ReadError",
                "RemoteProtocolError",
            } and "Could not fetch config" not in str(exc):
                raise
            time.sleep(0.2)
    raise UserError(f"the demo did not answer within {timeout:.0f} s")


def demo_ui(root: Path) -> Any:
    """The project's demo/ui.py (what the demo shows), imported to work out an example's input values."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("ui", root / "demo" / "ui.py")
    if spec is None or not (root / "demo" / "ui.py").is_file():
        raise UserError("demo/ui.py not found; restore it from git (it says what the demo shows)")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def example_name(example: Path, root: Path) -> str:
    """The example as the record names it: its path inside the project, else only its file name."""
    try:
        return example.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return example.name


def cold_start(root: Path, example: Path | None, output: Path | None) -> dict:
    """Seconds from starting the demo process to its first answer, for `example` (default: release_api's first)."""
    release = Release.load(root)
    if str(root / "src") not in sys.path:
        sys.path.insert(0, str(root / "src"))
    contract = load_contract(release.package)
    if example is None:
        examples = contract.example_files(root)
        if not examples:
            raise UserError(f"no example input matches release_api.EXAMPLES ({contract.EXAMPLES}); run `make data`")
        example = examples[0]
    if not example.is_file():
        raise UserError(f"{example} not found; pass EXAMPLE=<an example input file>, or run `make data`")
    values = demo_ui(root).example_values(example)
    with running_demo(root) as (url, process, started):
        answer = first_answer(url, process, values)
        seconds = time.perf_counter() - started
    result = {
        "cold_start_s": round(seconds, 3),
        "answer": answer.get("label") if isinstance(answer, dict) else answer,
        # Relative to the project (results/ is committed at each release): no home directory in the record.
        "example": example_name(example, root),
        "hardware": hardware(),
        "libraries": library_versions(("gradio", "torch")),
    }
    if output:
        atomic_write_json(output, result)
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Time the demo from process start to its first answer.")
    parser.add_argument("--example", default=None, help="example input (default: release_api.EXAMPLES' first file)")
    parser.add_argument("--output", default="results/demo_benchmark.json", help="results file (default: %(default)s)")
    args = parser.parse_args(argv)
    example = Path(args.example) if args.example else None
    result = run(lambda: cold_start(Path.cwd(), example, Path(args.output)), unexpected="benchmark-demo")
    print(
        f"demo cold start: {result['cold_start_s']:.1f} s from process start to the first answer "
        f"({result['answer']} for {result['example']}) -> {args.output}"
    )
    return result


if __name__ == "__main__":
    main()
