"""Release tooling owned by mlrelease-template.

`copier update` replaces this package as a whole: keep research code in your own package.
"""
