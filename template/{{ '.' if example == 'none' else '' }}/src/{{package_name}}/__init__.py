"""Research code of this release: yours to write.

There is no worked example here. Write the data recipe (`data.py`), the model, and the `train`, `evaluate`,
`predict` and `benchmark` scripts that `make data train eval predict benchmark` run, then fill in
`release_api.py`, the one file the release tooling calls. The README's "Replace the example" says what each
step must keep; `make check-release` lists what is still to write.
"""
