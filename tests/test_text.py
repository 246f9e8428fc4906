from boilerplate.text import count_cjk, count_tokens, display_width, tokens


def test_cjk_characters_are_one_token_each():
    assert tokens("中文测试") == ["中", "文", "测", "试"]
    assert count_tokens("日本語のテキスト") == 8
    assert count_tokens("한국어 문장") == 5


def test_other_scripts_count_word_runs():
    assert tokens("Hello, wörld_x 3.14") == ["Hello", "wörld_x", "3", "14"]
    assert count_tokens("Привет, мир! Γειά σου") == 4


def test_mixed_scripts():
    assert tokens("iPhone15发布了") == ["iPhone15", "发", "布", "了"]


def test_display_width_counts_wide_characters_twice():
    assert display_width("abc") == 3
    assert display_width("中文，ab") == 2 + 2 + 2 + 2
    assert count_cjk("abc中") == 1
