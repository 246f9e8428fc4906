import pytest

from boilerplate.errors import BoilerplateError
from boilerplate.peers import peer, run_safely


def test_unknown_peer_is_a_clear_error():
    with pytest.raises(BoilerplateError, match="unknown extractor"):
        peer("goose")


def test_a_crashing_peer_counts_as_no_output():
    def crash(html, lang):
        raise RuntimeError("peer bug")

    assert run_safely(crash, b"<p>x</p>", "en") == ""


def test_readability_text_is_cut_into_blocks():
    pytest.importorskip("readability")
    html = ("<html><body><nav><a href='/'>Home</a></nav><article><h2>Heading</h2><p>" +
            "A long paragraph of article text that goes on. " * 10 + "</p></article></body></html>")
    text = run_safely(peer("readability"), html, "en")
    assert "HeadingA long" not in text and "A long paragraph" in text
