"""The package's version, in a module of its own so that the notebook's greeting can name it
without importing the package's face (`__init__.py` loads the notebook extension)."""

__version__ = "0.1.0"
