"""Properties on arbitrary markup (hypothesis): parse, blocks and features never crash, every
feature is finite, and the blocks hold exactly the page's visible text, in order."""

import html
from copy import deepcopy

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis comes with the .[test] extra")
from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from lxml import etree  # noqa: E402

from boilerplate.blocks import SOFT_HYPHEN, segment  # noqa: E402
from boilerplate.config import SKIPPED_TAGS  # noqa: E402
from boilerplate.errors import BoilerplateError  # noqa: E402
from boilerplate.features import featurize  # noqa: E402
from boilerplate.parse import parse  # noqa: E402

TAGS = ("div", "p", "span", "a", "b", "li", "ul", "ol", "table", "tr", "td", "th", "h1", "h3",
        "br", "article", "nav", "footer", "pre", "blockquote", "font", "section", "script",
        "style", "head", "title", "img", "form", "select", "noscript", "em", "center", "x-app")
ATTRS = st.dictionaries(
    st.sampled_from(("class", "id", "style", "hidden", "href", "lang")),
    st.sampled_from(("nav", "content main", "postBody", "display:none", "", "中文",
                     "share-buttons", "x" * 50)),
    max_size=3)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=25)
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True)


def _element(tag: str, attrs: dict, children: list[str]) -> str:
    rendered = "".join(f' {k}="{html.escape(v)}"' for k, v in attrs.items())
    return f"<{tag}{rendered}>{''.join(children)}</{tag}>"


MARKUP = st.recursive(
    TEXT.map(html.escape) | st.sampled_from(("&amp;", "&nbsp;", "&#20013;", "<br>", "<!-- c -->",
                                             "&lt;p&gt;", "\x00", "<", "</div>")),
    lambda children: st.builds(_element, st.sampled_from(TAGS), ATTRS,
                               st.lists(children, max_size=4)),
    max_leaves=40)


def _visible_text(root: etree._Element) -> str:
    """The tree's text without the head and title, computed without the blocks code."""
    copy = deepcopy(root)  # not a serialize round trip: HTML attribute names need not be XML
    for element in list(copy.iter(*SKIPPED_TAGS)):
        if element.getparent() is not None:
            tail = element.tail
            element.tail = None
            previous, parent = element.getprevious(), element.getparent()
            if tail and previous is not None:
                previous.tail = (previous.tail or "") + tail
            elif tail:
                parent.text = (parent.text or "") + tail
            parent.remove(element)
    return "".join(copy.itertext())


@SETTINGS
@given(MARKUP)
@example("Mit\u00adtel<b>al\u00ad</b>ter")
def test_blocks_hold_exactly_the_visible_text(markup):
    try:
        doc = parse(f"<html><body>{markup}</body></html>")
    except BoilerplateError:
        return
    blocks = segment(doc)
    got = "".join("".join(b.text for b in blocks).split())
    # A soft hyphen is not shown (blocks.SOFT_HYPHEN).
    expected = "".join(_visible_text(doc.root).replace(SOFT_HYPHEN, "").split())
    assert got == expected


@SETTINGS
@given(MARKUP)
def test_features_are_finite_on_any_markup(markup):
    try:
        doc = parse(markup)
    except BoilerplateError:
        return
    features = featurize(segment(doc), title=doc.title)
    assert features.values.shape[1] == len(features.names)
    assert np.isfinite(features.values).all()


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes_parse_or_fail_clearly(data):
    try:
        doc = parse(data, where="random.bin")
    except BoilerplateError as exc:
        assert "random.bin" in str(exc)
        return
    featurize(segment(doc), title=doc.title)
