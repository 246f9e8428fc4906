import numpy as np

from boilerplate.blocks import segment
from boilerplate.labels import (
    CONTENT_THRESHOLD,
    UNLABELED,
    align,
    annotated_tokens,
    labels_from_annotation,
    labels_from_snippets,
    labels_from_text,
)
from boilerplate.parse import parse
from boilerplate.text import tokens


def blocks_of(html: str):
    return segment(parse(html))


def labelled(html: str, gold: str) -> dict[str, int]:
    blocks = blocks_of(html)
    result = labels_from_text(blocks, gold)
    return {b.text: int(label) for b, label in zip(blocks, result.labels, strict=True)}


def test_threshold_is_a_majority():
    assert CONTENT_THRESHOLD == 0.5


def test_common_words_in_chrome_are_not_content():
    html = ("<body><nav>Share the story</nav><p>The story of the city council and the vote on "
            "the new lanes went on for hours.</p><footer>Read the story</footer></body>")
    gold = "The story of the city council and the vote on the new lanes went on for hours."
    assert labelled(html, gold) == {"Share the story": 0, gold: 1, "Read the story": 0}


def test_repeated_words_align_once_in_order():
    page, gold = tokens("a b c d a b c d"), tokens("a b c d")
    page_hit, gold_hit = align(page, gold)
    assert page_hit.sum() == 4 and gold_hit.all()


def test_teaser_repeating_the_lede_is_not_content():
    lede = "Officials said on Monday that the bridge will reopen to traffic next spring."
    html = (f"<body><ul class=related><li>{lede}</li></ul><h1>Bridge to reopen</h1>"
            f"<p>{lede}</p><p>Repairs cost more than expected after the winter floods.</p>"
            "</body>")
    gold = f"Bridge to reopen\n{lede}\nRepairs cost more than expected after the winter floods."
    result = labels_from_text(blocks_of(html), gold)
    assert result.labels.tolist() == [0, 1, 1, 1]


def test_reordered_paragraphs_keep_the_longer_run():
    first = "One two three four five six seven eight nine ten eleven twelve."
    second = "Alpha beta gamma delta epsilon."
    html = f"<body><p>{first}</p><p>{second}</p></body>"
    result = labels_from_text(blocks_of(html), f"{second}\n{first}")
    assert result.labels.tolist() == [1, 0]  # one monotone chain: the longer paragraph wins


def test_empty_gold_labels_everything_chrome():
    result = labels_from_text(blocks_of("<p>Some text here for the page.</p>"), "")
    assert result.labels.tolist() == [0]
    assert result.gold_tokens == 0
    assert labels_from_text([], "gold text").labels.tolist() == []


def test_short_blocks_align_through_their_neighbours():
    html = ("<body><h2>Results</h2><p>The home team won the match by three goals to one.</p>"
            "<div>Share</div></body>")
    assert labelled(html, "Results\nThe home team won the match by three goals to one.") == {
        "Results": 1, "The home team won the match by three goals to one.": 1, "Share": 0}


def test_label_quality_numbers():
    html = "<body><p>alpha beta gamma delta epsilon</p><p>zeta eta theta iota kappa</p></body>"
    result = labels_from_text(blocks_of(html), "alpha beta gamma delta epsilon lambda mu nu")
    assert result.gold_tokens == 8
    assert result.gold_covered == 5
    assert result.content_tokens == 5 and result.content_in_gold == 5


def test_boilernet_annotations_are_carried_over():
    labeled = ('<html><body><div><span __boilernet_label="0">Home News Sport</span></div>'
               '<p><span __boilernet_label="1">The actual story text is right here today.</span>'
               '</p><p><span __boilernet_label="0">Copyright the site</span></p></body></html>')
    toks, labels = annotated_tokens(labeled)
    assert toks[:3] == ["Home", "News", "Sport"] and labels.tolist()[:3] == [0, 0, 0]
    page = ("<html><body><nav>Home News Sport</nav><article><p>The actual story text is right "
            "here today.</p></article><footer>Copyright the site</footer></body></html>")
    result = labels_from_annotation(blocks_of(page), labeled)
    assert result.labels.tolist() == [0, 1, 0]


def test_l3s_annotations():
    labeled = ('<html><body><span class="x-nc-sel0">Menu items here</span>'
               '<p><span class="x-nc-sel1">Big headline words</span></p>'
               '<p><span class="x-nc-sel2">Full text of the article goes here.</span></p>'
               '<p><span class="x-nc-sel5">A comment from a reader.</span></p></body></html>')
    _, labels = annotated_tokens(labeled)
    assert labels.tolist() == [0] * 3 + [1] * 3 + [1] * 7 + [0] * 5
    assert np.asarray(labels).dtype == np.int8


SNIPPET_PAGE = (
    "<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
    "<p>The harbour authority said the new pier will open in May after two years.</p>"
    "<p>Ferries will use it from the first week, and you can share your view below.</p>"
    "<p>Read more stories</p><aside><p>Storm warning for the coast</p></aside>"
    "<p>Fishing boats stay in port tonight.</p><p>Fishing boats stay in port tonight.</p>"
    "</body>"
)


def snippet_labels(must_have, must_not_have) -> dict[str, int]:
    blocks = blocks_of(SNIPPET_PAGE)
    result = labels_from_snippets(blocks, must_have, must_not_have)
    return {b.text: int(label) for b, label in zip(blocks, result.labels, strict=True)}


def test_snippets_label_only_the_blocks_they_speak_about():
    got = snippet_labels(["arbour authority said the new pi"],  # cut mid-word at both ends
                         ["Read more stories", "Storm warning for the coast", "Home"])
    assert got["The harbour authority said the new pier will open in May after two years."] == 1
    assert got["Read more stories"] == 0 and got["Storm warning for the coast"] == 0
    assert got["Home News"] == 0  # "Home" is half of the menu block
    assert got["Ferries will use it from the first week, and you can share your view "
               "below."] == UNLABELED


def test_a_must_not_snippet_inside_a_paragraph_says_nothing_about_it():
    got = snippet_labels([], ["share your view"])
    assert set(got.values()) == {UNLABELED}


def test_a_repeated_or_tiny_must_have_snippet_marks_nothing():
    got = snippet_labels(["Fishing boats stay in port tonight"], [])
    assert set(got.values()) == {UNLABELED}
    assert set(snippet_labels(["Home News"], []).values()) == {UNLABELED}


def test_a_block_named_both_ways_stays_unlabeled():
    text = "Storm warning for the coast"
    assert snippet_labels([text], [text])[text] == UNLABELED
