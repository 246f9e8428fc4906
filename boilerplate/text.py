"""Script-aware tokens: CJK text has no spaces, so each ideograph, kana or hangul is a token."""

from __future__ import annotations

import re
import unicodedata

# Han (with extensions and compatibility forms), kana, hangul syllables and jamo.
CJK_CLASS = (
    "\u1100-\u11ff\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
)
# Combining marks (Unicode categories Mn, Mc, Me) of the Basic Multilingual Plane: the
# vowel signs of Bengali, Devanagari and the other Indic scripts, Thai and Myanmar vowels,
# Hebrew and Arabic points, decomposed Latin accents. Ranges are merged across the letters
# and unassigned points between them (from unicodedata 14.0); the dandas (U+0964-5) and
# other punctuation stay out.
MARK_CLASS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1-\u05c2\u05c4-\u05c5\u05c7"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0711-\u07f3"
    "\u07fd\u0816-\u082d\u0859-\u085b\u0898-\u08e1\u08e3-\u0963\u0981-\u09e3\u09fe-\u0a75"
    "\u0a81-\u0ae3\u0afa-\u0b63\u0b82-\u0bd7\u0c00-\u0c63\u0c81-\u0c83\u0cbc-\u0d4d"
    "\u0d57-\u0d63\u0d81-\u0df3\u0e31-\u0e3a\u0e47-\u0e4e\u0eb1-\u0ecd\u0f18-\u0f19\u0f35"
    "\u0f37\u0f39\u0f3e-\u0f84\u0f86-\u0fbc\u0fc6\u102b-\u103e\u1056-\u109d\u135d-\u135f"
    "\u1712-\u1734\u1752-\u17d3\u17dd\u180b-\u180d\u180f-\u193b\u1a17-\u1a1b\u1a55-\u1a7f"
    "\u1ab0-\u1b44\u1b6b-\u1b73\u1b80-\u1bf3\u1c24-\u1c37\u1cd0-\u1cd2\u1cd4-\u1dff"
    "\u20d0-\u20f0\u2cef-\u2cf1\u2d7f-\u2dff\u302a-\u302f\u3099-\u309a\ua66f-\ua672"
    "\ua674-\ua67d\ua69e-\ua6f1\ua802-\ua827\ua82c\ua880-\ua8c5\ua8e0-\ua8f1\ua8ff-\ua92d"
    "\ua947-\ua953\ua980-\ua9c0\ua9e5-\uaa4d\uaa7b-\uaac1\uaaeb-\uaaef\uaaf5-\uaaf6"
    "\uabe3-\uabea\uabec-\uabed\ufb1e\ufe00-\ufe0f\ufe20-\ufe2f"
)
CJK_RE = re.compile(f"[{CJK_CLASS}]")
# A word starts with a letter or digit and runs on through letters, digits and marks: a
# vowel sign is part of its word, not a break in it.
TOKEN_RE = re.compile(f"[{CJK_CLASS}]|[^\\W{CJK_CLASS}]+(?:[{MARK_CLASS}]+[^\\W{CJK_CLASS}]*)*")
ASCII_TOKEN_RE = re.compile(r"\w+")
"""TOKEN_RE for ASCII text, which has no CJK and no marks: the common case, done faster."""
IN_WORD_INVISIBLES = "\u00ad\u200c\u200d\u2060\ufeff"
"""Invisible characters that sit inside a word and are dropped before it is read: the soft
hyphen (German pages hyphenate long words with it), the zero-width (non-)joiners of Persian
and Indic writing, the word joiner and the byte-order mark. A zero-width space still breaks
words."""
IN_WORD_INVISIBLES_RE = re.compile(f"[{IN_WORD_INVISIBLES}]")
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
    """Split into words, one token per CJK character, as both features and the metric need.

    Non-ASCII text is read in Unicode NFC first, without IN_WORD_INVISIBLES: a page and its
    gold may spell one letter as one code point or as a letter plus a mark (Bengali \u09df is
    either), or hyphenate a word softly in one and not the other, and both must give the same
    word."""
    if text.isascii():
        return ASCII_TOKEN_RE.findall(text)
    text = unicodedata.normalize("NFC", text)
    if any(c in text for c in IN_WORD_INVISIBLES):
        text = IN_WORD_INVISIBLES_RE.sub("", text)
    return TOKEN_RE.findall(text)


def count_tokens(text: str) -> int:
    """Token count that is fair to scripts written without spaces or with combining marks."""
    return len(tokens(text))


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
