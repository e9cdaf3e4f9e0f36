"""Build of the optional compiled normaliser (rules/_fastnorm.c); everything else is in
pyproject.toml. Without a C compiler the build skips it and rules/normalise.py runs its own
steps instead."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("rules._fastnorm", ["rules/_fastnorm.c"], optional=True)])
