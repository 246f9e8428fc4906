"""Exceptions raised by the pipeline, so callers can catch one base class."""


class BoilerplateError(Exception):
    """Base class: every expected failure on bad input is one of these, never a bare traceback."""


class EmptyDocumentError(BoilerplateError):
    """The input has no bytes (or only whitespace), so there is nothing to parse."""


class NotHTMLError(BoilerplateError):
    """The input is binary (an image, a PDF, an archive ...), not markup."""


class DocumentTooLargeError(BoilerplateError):
    """The input is larger than the configured limit; refuse rather than eat the machine."""


class ModelError(BoilerplateError):
    """A model file is missing, corrupt or incompatible with this installation."""


class DataError(BoilerplateError):
    """A dataset file or record cannot be read."""


class BoilerplateWarning(UserWarning):
    """Input was processed but something was dropped or guessed; the CLI reports it per page."""
