import gzip
import json
import subprocess
import sys

from boilerplate import __version__
from boilerplate.cli import main


def test_version(capsys):
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


def test_no_command_is_a_usage_error(capsys):
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err


def test_blocks_table(fixtures, capsys):
    assert main(["blocks", str(fixtures / "en_news.html")]) == 0
    out = capsys.readouterr().out
    assert "en_news.html" in out and "tokens" in out and "Riverside City Council voted" in out


def test_blocks_json(fixtures, capsys):
    assert main(["blocks", "--json", str(fixtures / "zh_portal_gbk.html")]) == 0
    page = json.loads(capsys.readouterr().out)
    texts = [b["text"] for b in page["blocks"]]
    assert "您此时的心情" in texts
    assert all({"index", "tag", "n_tokens", "link_density", "features"} <= set(b)
               for b in page["blocks"])


def test_bad_path_reported_and_others_processed(fixtures, tmp_path, capsys):
    binary = tmp_path / "image.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    code = main(["blocks", "--json", str(tmp_path / "missing.html"), str(binary), str(empty),
                 str(fixtures / "en_news.html")])
    captured = capsys.readouterr()
    assert code == 2
    err = captured.err.splitlines()
    assert any("missing.html" in line and "no such file" in line for line in err)
    assert any("image.html" in line and "PNG" in line for line in err)
    assert any("empty.html" in line and "empty" in line for line in err)
    assert "Traceback" not in captured.err
    assert json.loads(captured.out.splitlines()[-1])["id"].endswith("en_news.html")


def test_unparseable_page_exits_1(tmp_path, capsys):
    binary = tmp_path / "a.html"
    binary.write_bytes(b"%PDF-1.4" + bytes(range(200)))
    assert main(["blocks", str(binary)]) == 1


def test_directory_and_gzip_inputs(fixtures, tmp_path, capsys):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html.gz").write_bytes(
        gzip.compress((fixtures / "en_news.html").read_bytes()))
    (tmp_path / "a.htm").write_bytes(b"<p>hello there</p>")
    (tmp_path / "notes.txt").write_text("not a page")
    assert main(["blocks", "--json", str(tmp_path)]) == 0
    ids = [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()]
    assert [i.rsplit("/", 1)[-1] for i in ids] == ["a.htm", "b.html.gz"]


def test_console_script_and_stdin(fixtures):
    result = subprocess.run(
        [sys.executable, "-m", "boilerplate", "blocks", "--json", "-"],
        input=(fixtures / "en_news.html").read_bytes(), capture_output=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "-"


def test_train_evaluate_extract_round_trip(tmp_path, capsys):
    from .helpers import page_html, write_jsonl, write_pairs

    data = write_pairs(tmp_path / "pairs")
    jsonl = write_jsonl(tmp_path / "site" / "pages.jsonl.gz")
    out = tmp_path / "model"
    code = main(["train", str(data), str(jsonl), "--out", str(out), "--max-iter", "15",
                 "--quiet"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    summary = json.loads(captured.out)
    assert {s["name"] for s in summary["training_sets"]} == {"pairs", "site"}
    assert "skipped record" in captured.err  # the broken JSON line is reported, not fatal
    meta = json.loads((out / "model.json").read_text())
    assert [s["pages"] for s in meta["training_sets"]] == [8, 8]
    assert meta["training_sets"][1]["skipped"] == 2

    assert main(["evaluate", "--model", str(out), "--json", "--quiet", str(jsonl)]) == 0
    tables = json.loads(capsys.readouterr().out)
    (title, table), = tables.items()
    assert table["site"]["pages"] == 8 and 0 <= table["overall"]["f1"] <= 1

    errors = tmp_path / "errors"
    assert main(["evaluate", "--model", str(out), "--quiet", "--errors", str(errors),
                 str(jsonl)]) == 0
    capsys.readouterr()
    summary = json.loads((errors / "summary.json").read_text())
    assert set(summary) == {"dataset", "lang", "page_type", "tag", "position"}
    pages = [json.loads(line) for line in (errors / "pages.jsonl").read_text().splitlines()]
    assert len(pages) == 8
    lost = [p["tokens_lost"] for p in pages]
    assert lost == sorted(lost, reverse=True)
    for page in pages:
        assert sum(e["tokens"] for e in page["errors"]) == page["tokens_lost"]
        assert all(e["kind"] in ("false_content", "missed_content") for e in page["errors"])
    assert "wrong tokens by tag" in (errors / "summary.txt").read_text()

    page = tmp_path / "new.html"
    body = ("Keepers painted the lighthouse white again this summer, and the lamp was fitted "
            "with a brighter bulb that ships can see far out.")
    page.write_text(page_html("Lighthouse", body))
    assert main(["extract", "--model", str(out), str(page)]) == 0
    assert body in capsys.readouterr().out


def test_evaluate_with_missing_model_is_a_clear_error(tmp_path, capsys):
    from .helpers import write_jsonl

    jsonl = write_jsonl(tmp_path / "site" / "pages.jsonl.gz", bad_records=False)
    code = main(["evaluate", "--model", str(tmp_path / "nomodel"), str(jsonl)])
    assert code == 2
    assert "not a model directory" in capsys.readouterr().err


def test_unexpected_error_on_one_page_does_not_stop_the_batch(tmp_path, capsys):
    from boilerplate.cli import _each_page

    for name in ("a.html", "b.html", "c.html"):
        (tmp_path / name).write_text(f"<p>{name}</p>")

    def work(page):
        if page.id.endswith("b.html"):
            raise RuntimeError("boom")
        return page.id

    assert _each_page([str(tmp_path)], work) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [str(tmp_path / "a.html"), str(tmp_path / "c.html")]
    assert "b.html: internal error (RuntimeError: boom)" in captured.err


def test_unwritable_error_report_path_is_a_clear_error(tmp_path, capsys):
    from .helpers import write_jsonl, write_pairs

    out = tmp_path / "model"
    assert main(["train", str(write_pairs(tmp_path / "pairs")), "--out", str(out),
                 "--max-iter", "5", "--quiet"]) == 0
    blocker = tmp_path / "errors"
    blocker.write_text("a file where a folder should go")
    jsonl = write_jsonl(tmp_path / "s" / "pages.jsonl.gz", bad_records=False)
    code = main(["evaluate", "--model", str(out), "--quiet", "--errors", str(blocker),
                 str(jsonl)])
    err = capsys.readouterr().err
    assert code == 2 and "cannot write" in err and "errors" in err and "Traceback" not in err
