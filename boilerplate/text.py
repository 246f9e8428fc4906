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
# Full-width forms and CJK punctuation also take two columns on screen.
WIDE_RE = re.compile(f"[{CJK_CLASS}\u3000-\u303f\uff01-\uff60\uffe0-\uffe6]")


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
