"""Research code of this release: data, model, and the train / evaluate / predict / benchmark scripts.

This package is yours. Replace the wine example with your own data (`data.py`) and model
(`model.py`); keep the functions the scripts call, and `make data train eval` keep working.
"""
