"""The shipped default model on the bundled fixtures, through the public API."""

import pytest

import boilerplate
from boilerplate.extract import Extractor
from boilerplate.model import default_model_path

ZH_CHROME = ["点击右上角微信好友", "朋友圈", "请使用浏览器分享功能进行分享", "您此时的心情", "开心",
             "新闻表情排行", "推荐阅读", "2024年7月10日", "加载更多", "版权所有", "关于我们",
             "首页"]
EN_CHROME = ["Politics", "Subscribe", "Related stories", "Parking study finds", "Most read",
             "Privacy policy", "All rights reserved", "Log in to join"]


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    # The default model ships inside the package; failing here means packaging is broken.
    assert (default_model_path() / "model.json").exists(), default_model_path()
    return Extractor.load()


def test_chinese_portal_extracts_to_the_article(extractor, fixtures):
    text = extractor.extract((fixtures / "zh_portal_gbk.html").read_bytes())
    gold = (fixtures / "zh_portal_gbk.txt").read_text(encoding="utf-8").splitlines()
    for paragraph in gold[2:]:
        assert paragraph in text
    for chrome in ZH_CHROME:
        assert chrome not in text, chrome


def test_english_news_extracts_the_story(extractor, fixtures):
    text = extractor.extract((fixtures / "en_news.html").read_bytes())
    gold = (fixtures / "en_news.txt").read_text(encoding="utf-8").splitlines()
    for paragraph in gold[1:]:
        assert paragraph in text
    for chrome in EN_CHROME:
        assert chrome not in text, chrome


def test_classify_gives_every_block_a_probability(extractor, fixtures):
    blocks = extractor.classify((fixtures / "en_news.html").read_bytes())
    assert len(blocks) > 20
    assert all(0.0 <= b.probability <= 1.0 for b in blocks)
    assert all(b.content == (b.probability >= extractor.model.threshold) for b in blocks)
    text = "\n".join(b.block.text for b in blocks if b.content)
    assert text == extractor.extract((fixtures / "en_news.html").read_bytes())


def test_threshold_trades_precision_for_recall(extractor, fixtures):
    data = (fixtures / "en_news.html").read_bytes()
    strict = Extractor(extractor.model, threshold=0.99).extract(data)
    loose = Extractor(extractor.model, threshold=0.01).extract(data)
    assert len(strict) <= len(extractor.extract(data)) <= len(loose)


def test_top_level_extract_accepts_str_and_bytes(extractor, fixtures):
    data = (fixtures / "en_news.html").read_bytes()
    assert boilerplate.extract(data, model=extractor) == boilerplate.extract(
        data.decode("utf-8"), model=extractor.model)


def test_unknown_format_is_a_clear_error(extractor):
    with pytest.raises(ValueError, match="unknown format"):
        extractor.extract("<p>x</p>", format="pdf")


def test_installed_package_finds_its_model(tmp_path):
    import subprocess
    import sys

    code = ("import boilerplate.model as m, sys; p = m.default_model_path(); "
            "print(p); sys.exit(0 if (p / 'model.json').exists() else 3)")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                            text=True, check=False)
    if "No module named 'boilerplate'" in result.stderr:
        pytest.skip("boilerplate is not installed in this interpreter (running from source)")
    assert result.returncode == 0, result.stdout + result.stderr


def test_page_cut_only_ever_adds_blocks(extractor, fixtures):
    from dataclasses import replace

    from boilerplate.config import DEFAULT_CONFIG, PAGE_CUT_FLOOR

    cut = Extractor(extractor.model, replace(DEFAULT_CONFIG, page_cut_floor=PAGE_CUT_FLOOR))
    for name in ("en_news.html", "zh_portal_gbk.html"):
        data = (fixtures / name).read_bytes()
        fixed = extractor.classify(data)
        adaptive = cut.classify(data)
        assert [b.probability for b in fixed] == [b.probability for b in adaptive]
        assert all(a.content for f, a in zip(fixed, adaptive, strict=True) if f.content)
