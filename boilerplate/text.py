"""Script-aware tokens: CJK text has no spaces, so each ideograph, kana or hangul is a token."""

from __future__ import annotations

import re

# Han (with extensions and compatibility forms), kana, hangul syllables and jamo.
CJK_CLASS = (
    "\u1100-\u11ff\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
)
CJK_RE = re.compile(f"[{CJK_CLASS}]")
TOKEN_RE = re.compile(f"[{CJK_CLASS}]|[^\\W{CJK_CLASS}]+")
KANA_RE = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
HANGUL_RE = re.compile("[\u1100-\u11ff\uac00-\ud7af]")
CJK_LANG_SHARE = 0.2
"""Share of CJK characters above which a text is taken to be Chinese, Japanese or Korean."""
KANA_LANG_SHARE = 0.05
"""Japanese mixes kana into its kanji; Chinese pages carry at most a stray の."""
# Full-width forms and CJK punctuation also take two columns on screen.
WIDE_RE = re.compile(f"[{CJK_CLASS}\u3000-\u303f\uff01-\uff60\uffe0-\uffe6]")


SNIPPET_EDGE_TOKENS = 1
SNIPPET_TRIM_FROM = 6
"""Gold snippets are often cut mid-word; one of at least this many tokens loses
SNIPPET_EDGE_TOKENS at each end before it is looked for."""


def tokens(text: str) -> list[str]:
    """Split into words, one token per CJK character, as both features and the metric need."""
    return TOKEN_RE.findall(text)


def count_tokens(text: str) -> int:
    """Token count that is fair to scripts written without spaces."""
    return len(TOKEN_RE.findall(text))


def count_cjk(text: str) -> int:
    """Number of CJK characters; zero without scanning when the text is ASCII."""
    return 0 if text.isascii() else len(CJK_RE.findall(text))


def display_width(text: str) -> int:
    """Columns the text takes on screen: wide (CJK, full-width) characters count twice."""
    return len(text) if text.isascii() else len(text) + len(WIDE_RE.findall(text))


def cjk_lang(text: str) -> str | None:
    """"zh", "ja" or "ko" for text mostly in CJK script (kana means Japanese, hangul Korean);
    None otherwise: other languages are left to the page's own declaration."""
    n_cjk = count_cjk(text)
    if not text or n_cjk < CJK_LANG_SHARE * len(text.replace(" ", "")):
        return None
    if len(HANGUL_RE.findall(text)) * 2 > n_cjk:
        return "ko"
    if len(KANA_RE.findall(text)) > KANA_LANG_SHARE * n_cjk:
        return "ja"
    return "zh"


def snippet_tokens(snippet: str) -> list[str]:
    """The tokens a snippet must match: long snippets drop their possibly cut edge words."""
    toks = tokens(snippet)
    if len(toks) >= SNIPPET_TRIM_FROM:
        return toks[SNIPPET_EDGE_TOKENS:len(toks) - SNIPPET_EDGE_TOKENS]
    return toks


def token_index(toks: list[str]) -> dict[str, list[int]]:
    """Positions of each token, so runs of tokens can be found without scanning."""
    index: dict[str, list[int]] = {}
    for i, tok in enumerate(toks):
        index.setdefault(tok, []).append(i)
    return index


def occurrences(toks: list[str], index: dict[str, list[int]], needle: list[str]) -> list[int]:
    """Start positions where `needle` occurs as a contiguous run of `toks`."""
    if not needle:
        return []
    m = len(needle)
    return [i for i in index.get(needle[0], ()) if toks[i:i + m] == needle]
