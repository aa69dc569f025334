"""The command line as a new user meets it, wrong arguments included."""

from __future__ import annotations

import json

import pytest

from compare.cli import main


def test_parse_json_has_the_documented_shape(seed_path, capsys):
    assert main(["parse", str(seed_path("changning_2025")), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"document", "sections", "tasks", "unassigned"}
    assert {"id", "number", "title", "level", "parent"} <= set(data["sections"][0])
    assert {"id", "section", "number", "title", "text", "line_start", "line_end"} <= set(
        data["tasks"][0]
    )
    assert data["document"]["doc_number"] == "长卫健发〔2025〕27号"
    assert len(data["tasks"]) == 20


def test_parse_table_lists_tasks_with_source_lines(seed_path, capsys):
    assert main(["parse", str(seed_path("songjiang_2026"))]) == 0
    out = capsys.readouterr().out
    assert "1.    服务松江新城建设规划  [L24]" in out
    assert "coverage 100.0%" in out


def test_corpus_prints_a_row_per_document(isolated_home, raw_dir, capsys):
    assert main(["corpus", str(raw_dir)]) == 0
    out = capsys.readouterr().out
    assert "5 documents, 110 tasks" in out
    assert out.count("100.0%") == 5


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty file"), (b"\x00\x01binary", "binary file")],
)
def test_bad_input_gets_one_line_and_exit_1(tmp_path, capsys, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    assert main(["parse", str(bad)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert str(bad) in err and message in err


def test_missing_path_and_folder_with_a_bad_file(isolated_home, tmp_path, capsys, seed_path):
    assert main(["parse", str(tmp_path / "nope.txt")]) == 1
    assert "nope.txt: no such file" in capsys.readouterr().err
    (tmp_path / "good.txt").write_bytes(seed_path("qingpu_2025").read_bytes())
    (tmp_path / "bad.txt").write_bytes(b"")
    assert main(["corpus", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "1 documents, 20 tasks, 1 failed" in captured.out
    assert "bad.txt: empty file" in captured.err


def test_a_text_without_tasks_warns_but_succeeds(tmp_path, capsys):
    f = tmp_path / "note.txt"
    f.write_text("关于值班安排的说明\n请各单位做好节日值班。\n", encoding="utf-8")
    assert main(["parse", str(f)]) == 0
    assert "no numbered tasks recognised" in capsys.readouterr().err


def test_wrong_arguments_exit_2_with_usage(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["parse", "x.txt", "--format", "xml"])
    assert exc.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2


@pytest.mark.parametrize("k", ["0", "1", "x"])
def test_themes_rejects_a_meaningless_k(k, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["themes", "data/raw", "--k", k])
    assert exc.value.code == 2
    assert "--k" in capsys.readouterr().err


def _report_03_shares(folder, params):
    """The numbers report 03 shows, computed exactly as its first code cell does."""
    from compare import coding, load_corpus, selection, shares

    corpus = load_corpus(folder)
    coded = coding.coded_tasks(corpus.tasks, k=params["k"], seed=params["seed"])
    docs, tasks = selection.comparison_set(
        corpus.documents,
        coded,
        districts=params["districts"],
        kinds=params["kinds"],
        latest=params["latest"],
        max_districts=params["max_districts"],
    )
    return docs, shares.theme_shares(tasks)


@pytest.mark.parametrize("n_districts", [0, 30])
def test_compare_shares_gives_the_numbers_of_report_03(
    n_districts, raw_dir, isolated_home, capsys
) -> None:
    """Same parameters, same documents, same shares and intervals: one comparison set."""
    import ast
    import io

    import pandas as pd
    from synth import generate_corpus

    from compare import config, report

    folder = raw_dir
    if n_districts:  # more districts than the default cap of 12
        folder = isolated_home / "many"
        generate_corpus(folder, n_districts, seed=0)
    notebook = config.NOTEBOOKS_DIR / "03_district_priorities.ipynb"
    params = {p.name: ast.literal_eval(p.default) for p in report.notebook_parameters(notebook)}
    docs, expected = _report_03_shares(folder, params)
    assert main(["shares", str(folder), "--format", "csv", "--weight", "tasks"]) == 0
    got = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert sorted(got["group"].astype(str).unique()) == sorted(
        docs["district"].astype(str).unique()
    )
    if n_districts:
        assert docs["district"].nunique() == params["max_districts"] == 12
    columns = ["group", "theme", "theme_name", "n_tasks", "n_chars", "share", "ci_low", "ci_high"]
    columns = [c for c in columns if c in expected.columns]
    key = ["group", "theme"]
    left = got[columns].astype({"group": str, "theme": str}).sort_values(key).reset_index(drop=True)
    right = expected[columns].astype({"group": str, "theme": str}).sort_values(key)
    pd.testing.assert_frame_equal(left, right.reset_index(drop=True), check_dtype=False)
