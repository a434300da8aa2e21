"""The contract between this research code and the release tooling: the one file it calls. Yours to write.

Staging, `make check-release`, the demo Space, `make benchmark-demo` and `make verify-release` use only the names
below (release_tools/contract.py documents each). Every one is still a `todo(...)`: replace each with the real
declaration or function. Until then it raises one message saying what to write, and `make check-release` lists
every one that is left.
"""

from __future__ import annotations

from .release_tools.contract import todo

# What predict() takes per item, and what the demo collects: "image", "text" or "tabular".
INPUT = todo("INPUT", 'declare INPUT = "image", "text" or "tabular": what predict() takes per item')
# What predict() answers per item: "label" ({class: probability}), "text" or "number".
OUTPUT = todo("OUTPUT", 'declare OUTPUT = "label", "text" or "number": what predict() answers per item')
# {name in results/metrics.json: Metric(Hub metric id, label shown, args)}, e.g. {"accuracy": Metric("accuracy", "Accuracy")}.
METRICS = todo("METRICS", "declare METRICS = {name: Metric(hub_type, label)} for every number score() returns")
# Glob (from the project root) of the example inputs the demo ships, e.g. "data/examples/*.png".
EXAMPLES = todo("EXAMPLES", 'declare EXAMPLES = a glob of the demo\'s example inputs, e.g. "data/examples/*.png"')
# Globs (inside a checkpoint folder) of the files that make up a checkpoint; ("*",) takes all of them.
CHECKPOINT_FILES = todo("CHECKPOINT_FILES", 'declare CHECKPOINT_FILES = the checkpoint\'s file globs, e.g. ("*",)')

load_model = todo(
    "load_model",
    "write load_model(source, *, revision=None, cache_dir=None) returning the model loaded from a checkpoint "
    "folder, or from a Hub repository id at `revision`",
)
read_split = todo("read_split", "write read_split(path) returning (inputs, targets) of one split file under data/")
score = todo(
    "score", "write score(model, inputs, targets) returning {metric name: value}, one for every name in METRICS"
)
read_example = todo("read_example", "write read_example(path) returning one predict() input read from an example file")
predict = todo("predict", "write predict(model, inputs) returning one output per input, of the kind OUTPUT declares")
