from boilerplate.text import (
    count_cjk,
    count_tokens,
    display_width,
    occurrences,
    snippet_tokens,
    token_index,
    tokens,
)


def test_cjk_characters_are_one_token_each():
    assert tokens("中文测试") == ["中", "文", "测", "试"]
    assert count_tokens("日本語のテキスト") == 8
    assert count_tokens("한국어 문장") == 5


def test_other_scripts_count_word_runs():
    assert tokens("Hello, wörld_x 3.14") == ["Hello", "wörld_x", "3", "14"]
    assert count_tokens("Привет, мир! Γειά σου") == 4


def test_vowel_signs_stay_inside_their_word():
    # Bengali and Devanagari write vowels as combining marks; they do not break a word,
    # while the danda (।) ends a sentence like a full stop.
    assert tokens("কুষ্টিয়া-১ আসনের। সংসদ") == ["কুষ্টিয়া", "১", "আসনের", "সংসদ"]
    assert count_tokens("नमस्ते दुनिया") == 2
    assert tokens("שָׁלוֹם עוֹלָם") == ["שָׁלוֹם", "עוֹלָם"]


def test_one_word_spelled_two_ways_is_one_token():
    composed, decomposed = "\u09df", "\u09af\u09bc"  # য় as one code point, as two
    assert composed != decomposed
    assert tokens(f"আজ {composed}") == tokens(f"আজ {decomposed}")
    assert tokens("cafe\u0301") == tokens("caf\u00e9") == ["café"]


def test_a_mark_after_a_symbol_is_no_word():
    assert tokens("love \u2764\ufe0f it") == ["love", "it"]


def test_mixed_scripts():
    assert tokens("iPhone15发布了") == ["iPhone15", "发", "布", "了"]


def test_display_width_counts_wide_characters_twice():
    assert display_width("abc") == 3
    assert display_width("中文，ab") == 2 + 2 + 2 + 2
    assert count_cjk("abc中") == 1


def test_cjk_lang_tells_chinese_japanese_korean_apart():
    from boilerplate.text import cjk_lang

    assert cjk_lang("数字乡村建设让山区茶农走上增收路。") == "zh"
    assert cjk_lang("東京では今日、桜の開花が発表されました。") == "ja"
    assert cjk_lang("서울에서 오늘 벚꽃 개화가 발표되었습니다.") == "ko"
    assert cjk_lang("The council met on Tuesday.") is None
    assert cjk_lang("Ein Artikel über 中国 in deutscher Sprache mit langen Sätzen.") is None
    assert cjk_lang("") is None


def test_snippet_tokens_drop_the_edges_only_of_long_snippets():
    assert snippet_tokens("esichts der Corona-Krise und ihrer Fol") == [
        "der", "Corona", "Krise", "und", "ihrer"]
    assert snippet_tokens("nach oben") == ["nach", "oben"]


def test_occurrences_find_contiguous_runs_across_scripts():
    toks = tokens("a b c a b 新闻 a b c")
    index = token_index(toks)
    assert occurrences(toks, index, ["a", "b", "c"]) == [0, 7]
    assert occurrences(toks, index, ["b", "新", "闻"]) == [4]
    assert occurrences(toks, index, []) == [] and occurrences(toks, index, ["z"]) == []


def test_invisible_characters_inside_a_word_do_not_split_it():
    assert tokens("Mag\u00adda\u00adle\u00adner Wein") == ["Magdalener", "Wein"]
    assert tokens("می\u200cخواهم") == ["میخواهم"]
    assert tokens("zero\u200bwidth") == ["zero", "width"]  # a zero-width space breaks words
