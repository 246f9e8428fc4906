"""Learned boilerplate removal: keep a page's main content, drop its chrome, in any language."""

from .errors import BoilerplateError, BoilerplateWarning

__version__ = "0.1.0"

__all__ = ["BoilerplateError", "BoilerplateWarning", "__version__"]
