import gzip
import json
import subprocess
import sys

import pytest

from boilerplate import __version__
from boilerplate.cli import main


def test_version(capsys):
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


@pytest.mark.parametrize("command", ["blocks", "extract", "show", "annotate", "train",
                                     "evaluate"])
def test_every_command_prints_its_help(command, capsys):
    # argparse formats help with %: a bare one in a help text breaks --help outright.
    assert main([command, "--help"]) == 0
    assert f"usage: boilerplate {command}" in capsys.readouterr().out


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


def test_train_refuses_a_column_share_outside_zero_to_one(tmp_path, capsys):
    for value in ("0", "1.5", "half"):
        code = main(["train", str(tmp_path), "--out", str(tmp_path / "m"),
                     "--max-features", value])
        err = capsys.readouterr().err
        assert code == 2 and "--max-features" in err and value in err, err


def test_train_learned_cut_is_saved_and_can_be_turned_off(tmp_path, capsys):
    from .helpers import page_html, write_pairs

    out = tmp_path / "model"
    code = main(["train", str(write_pairs(tmp_path / "pairs")), "--out", str(out),
                 "--max-iter", "15", "--learned-cut", "--quiet"])
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    meta = json.loads((out / "model.json").read_text())
    assert meta["hyperparameters"]["learned_cut"] is True and meta["cut_summary"]
    assert "cut_heldout_f1_in_sample" in meta["training"]
    page = tmp_path / "page.html"
    page.write_text(page_html("Harbour", "The harbour wall was rebuilt after the winter "
                              "storms, and the fishing boats came back in the spring."))
    for flags in ([], ["--no-learned-cut"]):
        assert main(["extract", "--model", str(out), *flags, str(page)]) == 0
        assert "harbour wall" in capsys.readouterr().out


def test_train_keeps_a_lexicon_unless_told_not_to(tmp_path, capsys):
    from .helpers import write_pairs

    data = write_pairs(tmp_path / "pairs")
    for flags, has_lexicon in (([], True), (["--no-lexicon"], False)):
        out = tmp_path / f"model{len(flags)}"
        code = main(["train", str(data), "--out", str(out), "--max-iter", "5", "--quiet",
                     *flags])
        assert code == 0, capsys.readouterr().err
        capsys.readouterr()
        meta = json.loads((out / "model.json").read_text())
        assert (meta["lexicon"] is not None) == has_lexicon
        assert ("function_word_rate" in meta["feature_names"]) == has_lexicon
        assert "login" not in (meta["lexicon"] or {}).get("function_words", [])
        assert main(["blocks", "--json", "--model", str(out), str(data / "harbour.html")]) == 0
        page = json.loads(capsys.readouterr().out)
        # Shown for a model with a lexicon (missing, -1, here: too few pages per language).
        assert ("function_word_rate" in page["blocks"][0]["features"]) == has_lexicon


def test_train_evaluate_extract_round_trip(tmp_path, capsys):
    from .helpers import page_html, write_jsonl, write_pairs

    data = write_pairs(tmp_path / "pairs")
    jsonl = write_jsonl(tmp_path / "site" / "pages.jsonl.gz")
    out = tmp_path / "model"
    code = main(["train", str(data), str(jsonl), "--out", str(out), "--max-iter", "15",
                 "--page-weight-power", "1", "--max-features", "0.8", "--quiet"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    summary = json.loads(captured.out)
    assert {s["name"] for s in summary["training_sets"]} == {"pairs", "site"}
    assert "skipped record" in captured.err  # the broken JSON line is reported, not fatal
    meta = json.loads((out / "model.json").read_text())
    assert [s["pages"] for s in meta["training_sets"]] == [8, 8]
    assert meta["training_sets"][1]["skipped"] == 2
    assert meta["hyperparameters"]["page_weight_power"] == 1.0
    assert meta["hyperparameters"]["max_features"] == 0.8
    assert meta["hyperparameters"]["learned_cut"] is False and meta["cut_summary"] == []

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


# ---- extract ------------------------------------------------------------------------------

def _batch_inputs(fixtures, tmp_path):
    """A folder with every input kind and some corrupt pages among good ones."""
    from .helpers import TOPICS, page_html, warc_record, write_warc

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "en.html").write_bytes((fixtures / "en_news.html").read_bytes())
    (folder / "zh.html.gz").write_bytes(gzip.compress((fixtures / "zh_portal_gbk.html")
                                                      .read_bytes()))
    (folder / "broken.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    lines = [json.dumps({"id": f"j{i}", "url": f"https://j.example/{i}",
                         "html": page_html(title, body)}) for i, (title, body) in
             enumerate(TOPICS)]
    lines.insert(3, "{not json")
    (folder / "pages.jsonl").write_text("\n".join(lines) + "\n")
    write_warc(folder / "crawl.warc.gz", [
        warc_record(f"https://w.example/{i}", page_html(title, body).encode("utf-8"),
                    number=i) for i, (title, body) in enumerate(TOPICS[:4])])
    return folder


def test_extract_reads_every_input_kind_and_reports_bad_pages(fixtures, tmp_path, capsys):
    folder = _batch_inputs(fixtures, tmp_path)
    code = main(["extract", "--format", "jsonl", str(folder)])
    captured = capsys.readouterr()
    assert code == 1  # some pages failed, the rest were extracted
    records = [json.loads(line) for line in captured.out.splitlines()]
    ids = [r["id"] for r in records]
    assert len(records) == 2 + 8 + 4 and len(set(ids)) == len(ids)
    assert {r["url"] for r in records if r["id"].startswith("0000")} == {
        f"https://w.example/{i}" for i in range(4)}
    zh = next(r for r in records if r["id"].endswith("zh.html.gz"))
    assert zh["lang"] == "zh" and "茶农老周" in zh["text"] and "您此时的心情" not in zh["text"]
    assert zh["title"] == "数字乡村建设让山区茶农走上增收路"
    err = captured.err
    assert "broken.html" in err and "pages.jsonl:4" in err and "Traceback" not in err
    assert "extracted 14 pages, 2 failed" in err


def test_extract_stdin(fixtures):
    result = subprocess.run(
        [sys.executable, "-m", "boilerplate", "extract", "--format", "markdown", "-"],
        input=(fixtures / "en_news.html").read_bytes(), capture_output=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().startswith("# City council approves new bike lanes")
    assert result.stderr == b""  # one page: no summary, and no bar when stderr is a pipe


def test_extract_output_dir_writes_one_file_per_page(fixtures, tmp_path, capsys):
    folder = _batch_inputs(fixtures, tmp_path)
    out = tmp_path / "out"
    assert main(["extract", "--format", "markdown", "--output", str(out), "--quiet",
                 str(folder)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "extracted" not in captured.err  # --quiet: no summary
    files = sorted(out.iterdir())
    assert len(files) == 14 and all(f.suffix == ".md" for f in files)
    assert not any(f.name.startswith(".tmp") for f in files)
    en = [f for f in files if f.name.startswith("en.html-")]
    assert len(en) == 1
    main(["extract", "--format", "markdown", str(folder / "en.html")])
    assert en[0].read_text(encoding="utf-8") == capsys.readouterr().out


def test_output_names_are_safe_and_unique():
    from boilerplate.batch import output_name

    names = {output_name(i, ".txt") for i in ("a/b.html", "a_b.html", "../../etc/passwd",
                                               "x" * 500, "", "数字/乡村")}
    assert len(names) == 6
    assert all("/" not in n and not n.startswith(".") and len(n) < 130 for n in names)


def test_extract_jobs_2_output_is_byte_identical(fixtures, tmp_path):
    folder = _batch_inputs(fixtures, tmp_path)
    runs = []
    for jobs in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-m", "boilerplate", "extract", "--format", "jsonl", "--blocks",
             "--jobs", jobs, str(folder)], capture_output=True, check=False)
        assert result.returncode == 1, result.stderr
        runs.append(result)
    assert runs[0].stdout == runs[1].stdout and runs[0].stdout.count(b"\n") == 14
    errors = [[line for line in r.stderr.decode().splitlines() if "extracted" not in line]
              for r in runs]
    assert errors[0] == errors[1] and len(errors[0]) == 2


def test_extract_usage_errors_exit_2(fixtures, capsys):
    page = str(fixtures / "en_news.html")
    for argv in (["--blocks"], ["--links"], ["--threshold", "1.5"], ["--jobs", "0"],
                 ["--format", "pdf"], ["--model", "/nonexistent/model"]):
        assert main(["extract", *argv, page]) == 2, argv
        err = capsys.readouterr().err
        assert "Traceback" not in err and err.strip(), argv


def test_extract_threshold_option_changes_what_is_kept(fixtures, capsys):
    page = str(fixtures / "en_news.html")
    lengths = []
    for threshold in ("0.99", "0.01"):
        assert main(["extract", "--threshold", threshold, page]) == 0
        lengths.append(len(capsys.readouterr().out))
    assert lengths[0] < lengths[1]


def test_extract_loads_the_model_once_per_batch(fixtures, tmp_path, monkeypatch, capsys):
    from boilerplate.model import Model

    calls = []
    original = Model.load.__func__

    def counting(cls, path=None):
        calls.append(path)
        return original(cls, path)

    monkeypatch.setattr(Model, "load", classmethod(counting))
    assert main(["extract", "--quiet", str(_batch_inputs(fixtures, tmp_path))]) == 1
    assert len(calls) == 1


def test_interrupted_batch_resumes_without_loss_or_duplicates(tmp_path):
    import signal
    import time

    from .helpers import TOPICS, page_html

    src = tmp_path / "pages.jsonl"
    with src.open("w") as fh:
        for i in range(400):
            title, body = TOPICS[i % len(TOPICS)]
            html = " \n " if i % 50 == 7 else page_html(f"{title} {i}", body)
            fh.write(json.dumps({"id": f"page-{i:03d}", "html": html}) + "\n")
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "boilerplate", "extract", "--jobs", "2", "--output", str(out),
            str(src)]
    # Ctrl-C as a terminal delivers it: a test run started in the background by a shell
    # inherits SIGINT ignored, and so would the batch, which would then never stop.
    first = subprocess.Popen(argv, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 180  # a loaded 2-core machine starts slowly
    while time.monotonic() < deadline and (not out.exists() or len(list(out.iterdir())) < 40):
        time.sleep(0.05)
    first.send_signal(signal.SIGINT)
    _, err = first.communicate(timeout=60)
    assert first.returncode == 130, err
    assert b"interrupted" in err and b"--resume" in err and b"Traceback" not in err
    done_before = {p.name for p in out.iterdir()}
    assert 40 <= len(done_before) < 392 and not any(n.startswith(".tmp") for n in done_before)

    (out / ".tmp-boilerplate-half.txt").write_text("a write cut short by a kill")
    second = subprocess.run(argv + ["--resume"], capture_output=True, check=False, timeout=300)
    assert second.returncode == 1  # the 8 bad pages fail again, and only they
    err = second.stderr.decode()
    assert f"{len(done_before)} already done" in err
    assert "removed 1 unfinished temporary files" in err
    failed = sorted(line.split(": ")[1] for line in err.splitlines() if "empty" in line)
    assert failed == [f"page-{i:03d}" for i in range(7, 400, 50)]
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 392 and set(done_before) <= set(files)
    assert all(p.read_text().endswith("\n") and p.stat().st_size > 10 for p in out.iterdir())


def test_dask_option_without_dask_names_the_extra(fixtures, tmp_path, monkeypatch, capsys):
    for module in ("dask", "dask.bag", "dask.distributed", "distributed"):
        monkeypatch.setitem(sys.modules, module, None)  # as if the extra were not installed
    code = main(["extract", "--dask", "local", "--format", "jsonl", "--output",
                 str(tmp_path / "out"), str(fixtures / "en_news.html")])
    err = capsys.readouterr().err
    assert code == 2 and "pip install 'boilerplate[dask]'" in err and "Traceback" not in err


def _extract_with_and_without(flags, fixtures, capsys, monkeypatch):
    """JSON output of `extract` without and with `flags`, and each call's (config, tree)."""
    import importlib

    extract_module = importlib.import_module("boilerplate.extract")
    seen = []
    real = extract_module.decide_page

    def spy(proba, tokens, tree, threshold, config, *marks):
        seen.append((config, tree))
        return real(proba, tokens, tree, threshold, config, *marks)

    monkeypatch.setattr(extract_module, "decide_page", spy)
    page = str(fixtures / "en_news.html")
    outputs = []
    for extra in ([], [flags] if isinstance(flags, str) else list(flags)):
        assert main(["extract", "--format", "json", "--blocks", *extra, page]) == 0
        outputs.append(json.loads(capsys.readouterr().out))
    return *outputs, seen


def _content(output: dict) -> set[int]:
    return {i for i, b in enumerate(output["blocks"]) if b["label"] == "content"}


def test_page_cut_flag_reaches_the_extractor(fixtures, capsys, monkeypatch):
    from boilerplate.config import PAGE_CUT_FLOOR

    fixed, adaptive, seen = _extract_with_and_without("--page-cut", fixtures, capsys,
                                                      monkeypatch)
    assert [config.page_cut_floor for config, _ in seen] == [None, PAGE_CUT_FLOOR]
    assert _content(fixed) <= _content(adaptive)  # a lower cut only adds blocks
    assert adaptive["cut"] <= fixed["cut"]  # the labels were judged by this probability


def test_no_gap_flag_turns_the_gap_pass_off(fixtures, capsys, monkeypatch):
    from boilerplate.config import GAP_FLOOR

    gap, plain, seen = _extract_with_and_without("--no-gap", fixtures, capsys, monkeypatch)
    assert [(config.gap_floor, tree is not None) for config, tree in seen] == [
        (GAP_FLOOR, True), (None, True)]  # the region pass still needs the containers
    assert _content(plain) <= _content(gap)  # the pass only adds blocks
    kept = sorted(_content(plain))
    for i in _content(gap) - _content(plain):
        assert kept[0] < i < kept[-1] and gap["blocks"][i]["probability"] >= GAP_FLOOR


def test_no_listing_flag_turns_the_listing_pass_off(fixtures, capsys, monkeypatch):
    from boilerplate.config import LISTING_FLOOR

    listing, plain, seen = _extract_with_and_without("--no-listing", fixtures, capsys,
                                                     monkeypatch)
    assert [config.listing_floor for config, _ in seen] == [LISTING_FLOOR, None]
    # The fixture is an article: its teaser lists stay out with the pass on.
    assert _content(listing) == _content(plain)


def test_no_fill_flag_turns_the_fill_pass_off(fixtures, capsys, monkeypatch):
    from boilerplate.config import FILL_FLOOR

    fill, plain, seen = _extract_with_and_without("--no-fill", fixtures, capsys, monkeypatch)
    assert [config.fill_floor for config, _ in seen] == [FILL_FLOOR, None]
    # The fixture is an article the model is sure of: the pass leaves it alone.
    assert _content(fill) == _content(plain)


def test_sections_flag_widens_a_manuals_region(fixtures, capsys, monkeypatch):
    from boilerplate import model as model_module
    from boilerplate.config import REGION_SECTIONS

    heads = []
    real = model_module.section_regions

    def spy(tree, levels, comments, min_sections):
        heads.append((levels.tolist(), min_sections))
        return real(tree, levels, comments, min_sections)

    monkeypatch.setattr(model_module, "section_regions", spy)
    plain, sections, seen = _extract_with_and_without("--sections", fixtures, capsys,
                                                      monkeypatch)
    assert [config.region_sections for config, _ in seen] == [None, REGION_SECTIONS]
    # The extractor hands the page's heading levels over once, with the flag; the news
    # fixture's headline is its <h1>.
    assert len(heads) == 1 and heads[0][1] == REGION_SECTIONS and 1.0 in heads[0][0]
    assert _content(sections) == _content(plain)


def test_drop_comments_flag_turns_the_comment_pass_on(fixtures, capsys, monkeypatch):
    plain, dropped, seen = _extract_with_and_without("--drop-comments", fixtures, capsys,
                                                     monkeypatch)
    assert [config.comment_trim for config, _ in seen] == [False, True]
    # The pass only drops.
    assert _content(dropped) <= _content(plain)


def test_no_feed_flag_turns_the_feed_pass_off(fixtures, capsys, monkeypatch):
    from boilerplate.config import FEED_LINK_DENSITY

    feed, plain, seen = _extract_with_and_without("--no-feed", fixtures, capsys, monkeypatch)
    assert [config.feed_link_density for config, _ in seen] == [FEED_LINK_DENSITY, None]
    # The pass only drops, and only blocks below the article's sure probability.
    assert _content(feed) <= _content(plain)
    sure = seen[0][0].region_article_sure
    assert all(plain["blocks"][i]["probability"] < sure
               for i in _content(plain) - _content(feed))


def test_no_region_flag_turns_the_region_pass_off(fixtures, capsys, monkeypatch):
    from boilerplate.config import REGION_FLOOR

    region, plain, seen = _extract_with_and_without(("--no-region", "--no-gap", "--no-listing",
                                                     "--no-fill", "--no-feed"),
                                                    fixtures, capsys, monkeypatch)
    assert [(config.region_floor, tree is not None) for config, tree in seen] == [
        (REGION_FLOOR, True), (None, False)]
    trim = seen[0][0].region_trim
    # What the pass drops, the model kept below the trim; what it adds, below the cut.
    dropped, added = _content(plain) - _content(region), _content(region) - _content(plain)
    assert all(region["blocks"][i]["probability"] < trim for i in dropped)
    assert all(region["blocks"][i]["probability"] < region["cut"] for i in added)
    assert all(b["probability"] >= plain["cut"] for b in plain["blocks"]
               if b["label"] == "content")


def test_evaluate_compare_prints_the_paired_gap_to_each_peer(tmp_path, monkeypatch, capsys):
    from boilerplate import evaluate

    from .helpers import write_jsonl

    data = str(write_jsonl(tmp_path / "site" / "pages.jsonl.gz", bad_records=False))
    monkeypatch.setattr(evaluate, "peer", lambda name: lambda html, lang: "")
    assert main(["evaluate", data, "--compare", "blank", "--quiet"]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("boilerplate − blank"))
    assert header.split()[-3:] == ["pages", "f1_gap", "f1_gap_std"]
    gap_lines = [line for line in ("boilerplate − blank" + out.split("boilerplate − blank")[1])
                 .splitlines() if line.strip()]
    assert len({len(line) for line in gap_lines}) == 1  # columns line up under the header
    gap_rows = [line.split() for line in gap_lines[1:]]
    assert gap_rows[-1][:2] == ["overall", "8"] and gap_rows[-1][2].startswith("+")
    assert main(["evaluate", data, "--compare", "blank", "--quiet", "--json"]) == 0
    tables = json.loads(capsys.readouterr().out)
    assert set(tables["boilerplate − blank"]["overall"]) == {"pages", "f1_gap", "f1_gap_std"}
