"""Other extractors, run the way their docs say, so they can be scored beside our model.

They are optional (`pip install 'boilerplate[compare]'`); a missing one is reported by name.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

from .errors import BoilerplateError

PEER_MODULES = {"trafilatura": "trafilatura", "readability": "readability",
                "justext": "justext", "resiliparse": "resiliparse"}
JUSTEXT_STOPLISTS = {"en": "English", "de": "German", "zh": None, "el": "Greek",
                     "pl": "Polish", "ru": "Russian", "fr": "French", "es": "Spanish"}


def _trafilatura() -> Callable[[str, str | None], str]:
    import trafilatura

    return lambda html, lang: trafilatura.extract(html) or ""


def _readability() -> Callable[[str, str | None], str]:
    from readability import Document

    from .blocks import segment
    from .parse import parse

    def run(html: str, lang: str | None) -> str:
        # The summary is HTML; its visible text is cut at block boundaries the way ours is,
        # so "Heading</h2><p>Text" never glues into one token and costs the peer shingles.
        summary = Document(html).summary(html_partial=True)
        return "\n".join(block.text for block in segment(parse(summary)))

    return run


def _justext() -> Callable[[str, str | None], str]:
    import justext

    def run(html: str, lang: str | None) -> str:
        name = JUSTEXT_STOPLISTS.get(lang or "en", "English")
        stoplist = justext.get_stoplist(name) if name else frozenset()
        kwargs = {} if name else {"stopwords_low": 0, "stopwords_high": 0}
        paragraphs = justext.justext(html.encode("utf-8"), stoplist, encoding="utf-8",
                                     **kwargs)
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return run


def _resiliparse() -> Callable[[str, str | None], str]:
    from resiliparse.extract.html2text import extract_plain_text

    return lambda html, lang: extract_plain_text(html, main_content=True)


FACTORIES = {"trafilatura": _trafilatura, "readability": _readability, "justext": _justext,
             "resiliparse": _resiliparse}


def peer(name: str) -> Callable[[str, str | None], str]:
    """A function (html, lang) -> text for the named extractor, or a clear error."""
    if name not in FACTORIES:
        raise BoilerplateError(f"unknown extractor {name!r}; known: {', '.join(FACTORIES)}")
    if importlib.util.find_spec(PEER_MODULES[name]) is None:
        raise BoilerplateError(f"{name} is not installed; pip install 'boilerplate[compare]'")
    return FACTORIES[name]()


def run_safely(extract: Callable[[str, str | None], str], html: str | bytes,
               lang: str | None) -> str:
    """A peer's output, or empty text when it fails on a page (counted as no output)."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    try:
        return extract(html, lang) or ""
    except Exception:  # noqa: BLE001 - a peer crashing on one page must not stop the run
        return ""
