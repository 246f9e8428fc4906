import gzip

from boilerplate.sources import Page, SourceError, iter_pages


def test_files_folders_and_gzip(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.html").write_bytes(b"<p>a</p>")
    (tmp_path / "d" / "b.htm.gz").write_bytes(gzip.compress(b"<p>b</p>"))
    (tmp_path / "d" / "skip.txt").write_text("not a page")
    single = tmp_path / "c.html"
    single.write_bytes(b"<p>c</p>")
    pages = list(iter_pages([str(tmp_path / "d"), str(single)]))
    assert [p.data for p in pages] == [b"<p>a</p>", b"<p>b</p>", b"<p>c</p>"]
    assert all(isinstance(p, Page) for p in pages)


def test_missing_path_is_a_usage_error_and_bad_gzip_a_read_error(tmp_path):
    broken = tmp_path / "x.html.gz"
    broken.write_bytes(b"not gzip at all")
    missing, bad = iter_pages([str(tmp_path / "nope.html"), str(broken)])
    assert isinstance(missing, SourceError) and missing.usage
    assert isinstance(bad, SourceError) and not bad.usage and "cannot read" in bad.reason
