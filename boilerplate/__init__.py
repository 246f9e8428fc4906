"""Learned boilerplate removal: keep a page's main content, drop its chrome, in any language."""

__version__ = "0.1.0"

from .errors import BoilerplateError, BoilerplateWarning  # noqa: E402
from .extract import Extractor, extract  # noqa: E402

__all__ = ["BoilerplateError", "BoilerplateWarning", "Extractor", "__version__", "extract"]
