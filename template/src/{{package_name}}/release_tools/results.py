# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""results/metrics.json and results/benchmark.json, the numbers the research code wrote, as typed records.

`Metrics.load` and `Benchmark.load` read a file once and refuse it with one line naming the file, the field and the
command that writes it again; every reader (staging, the page, cards, README blocks, the check) takes the record.
Each record keeps the whole file as `data`: the card templates read it, and it holds any field the research code
added.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from .cli import UserError
from .files import read_json_object

METRICS_FILE = "results/metrics.json"
BENCHMARK_FILE = "results/benchmark.json"
EVAL_AGAIN = "run `make eval` again"
BENCHMARK_AGAIN = "run `make benchmark` again"


def is_number(value: Any) -> bool:
    """An int or float; YAML and JSON booleans are not numbers here."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


Loaded = TypeVar("Loaded", bound="ResultsFile")


class ResultsFile:
    """What the results records share: `load` reads the file once and refuses it with its first problem."""

    FILE: ClassVar[str]
    COMMAND: ClassVar[str]  # the make target that writes the file

    @classmethod
    def load(cls: type[Loaded], root: Path = Path(".")) -> Loaded:
        data = read_json_object(Path(root) / cls.FILE, f"run `{cls.COMMAND}` to write it", cls.FILE)
        problems = cls.problems(data)
        if problems:
            raise UserError(problems[0])
        return cls.from_data(data)

    @staticmethod
    def problems(data: Mapping[str, Any]) -> list[str]:
        raise NotImplementedError

    @classmethod
    def from_data(cls: type[Loaded], data: Mapping[str, Any]) -> Loaded:
        raise NotImplementedError


@dataclass(frozen=True)
class Metrics(ResultsFile):
    """results/metrics.json: the metric values (every numeric field but counts, in file order), the split they were
    computed on, and the checkpoint (folder, weights sha256, every file's sha256) that `make eval` evaluated."""

    values: tuple[tuple[str, float], ...]
    split: str | None = None
    num_examples: int | None = None
    checkpoint: str = ""
    checkpoint_sha256: str | None = None
    checkpoint_files: dict[str, str] | None = None  # None: results written before every file was hashed
    data: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    FILE: ClassVar[str] = METRICS_FILE
    COMMAND: ClassVar[str] = "make eval"

    @staticmethod
    def problems(data: Mapping[str, Any]) -> list[str]:
        problems = []
        if not Metrics.from_data(data).values:
            problems.append(f"{METRICS_FILE} holds no numeric metric; run `make eval` to write it")
        if data.get("split") is not None and not isinstance(data["split"], str):
            problems.append(f"{METRICS_FILE}: field 'split' must be the split's name; {EVAL_AGAIN}")
        files = data.get("checkpoint_files")
        if "checkpoint_files" in data and not (
            isinstance(files, dict) and all(isinstance(v, str) for v in files.values())
        ):
            problems.append(f"{METRICS_FILE}: field 'checkpoint_files' must map each file to its sha256; {EVAL_AGAIN}")
        return problems

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Metrics:
        files = data.get("checkpoint_files")
        count = data.get("num_examples")
        return cls(
            values=tuple((k, v) for k, v in data.items() if is_number(v) and not k.startswith("num_")),
            split=data.get("split"),
            num_examples=count if isinstance(count, int) and not isinstance(count, bool) else None,
            checkpoint=str(data.get("checkpoint") or ""),
            checkpoint_sha256=data.get("checkpoint_sha256"),
            checkpoint_files=dict(files) if isinstance(files, dict) else None,
            data=dict(data),
        )

    def as_dict(self) -> dict[str, Any]:
        return self.data

    @property
    def headline(self) -> tuple[str, float]:
        """The first metric: the one the announcement and the link preview show."""
        return self.values[0]

    @property
    def split_name(self) -> str:
        """The split as tables name it (test when the file does not say)."""
        return str(self.data.get("split", "test"))

    def with_split(self, split: str | None) -> Metrics:
        """The same numbers, said to be computed on `split` (a re-run's metrics carry no split of their own)."""
        return Metrics.from_data({**self.data, "split": split})


@dataclass(frozen=True)
class Speed:
    """One row of results/benchmark.json's `results`: latency and throughput at one batch size."""

    batch_size: int
    latency_ms_p50: float
    latency_ms_p95: float
    throughput_per_s: float


SPEED_FIELDS = ("batch_size", "latency_ms_p50", "latency_ms_p95", "throughput_per_s")


@dataclass(frozen=True)
class Benchmark(ResultsFile):
    """results/benchmark.json: speed per batch size, the device and hardware it was measured on, parameters and
    peak memory."""

    results: tuple[Speed, ...]
    device: str
    parameters: int
    peak_memory_mb: float
    memory_measure: str
    hardware: dict[str, Any]
    libraries: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    FILE: ClassVar[str] = BENCHMARK_FILE
    COMMAND: ClassVar[str] = "make benchmark"

    @staticmethod
    def problems(data: Mapping[str, Any]) -> list[str]:
        rows = data.get("results")
        if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
            return [f"{BENCHMARK_FILE}: field 'results' is empty; {BENCHMARK_AGAIN}"]
        problems = [
            f"{BENCHMARK_FILE}: field 'results[{i}].{name}' is missing or not a number; {BENCHMARK_AGAIN}"
            for i, row in enumerate(rows)
            for name in SPEED_FIELDS
            if not is_number(row.get(name))
        ]
        kinds = {"device": str, "parameters": int, "peak_memory_mb": (int, float), "memory_measure": str}
        kinds |= {"hardware": dict, "libraries": dict}
        for name, kind in kinds.items():
            if not isinstance(data.get(name), kind) or isinstance(data.get(name), bool):
                problems.append(f"{BENCHMARK_FILE}: field '{name}' is missing or has the wrong type; {BENCHMARK_AGAIN}")
        return problems

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Benchmark:
        return cls(
            results=tuple(Speed(*(row[name] for name in SPEED_FIELDS)) for row in data["results"]),
            device=data["device"],
            parameters=data["parameters"],
            peak_memory_mb=data["peak_memory_mb"],
            memory_measure=data["memory_measure"],
            hardware=dict(data["hardware"]),
            libraries=dict(data["libraries"]),
            data=dict(data),
        )

    def as_dict(self) -> dict[str, Any]:
        return self.data

    @property
    def machine(self) -> str | None:
        """The GPU it ran on, else the CPU."""
        return self.hardware.get("gpu") or self.hardware.get("cpu")
