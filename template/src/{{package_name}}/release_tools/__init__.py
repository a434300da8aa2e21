# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""Release tooling owned by mlrelease-template.

`copier update` replaces this package as a whole: keep research code in your own package.
"""
