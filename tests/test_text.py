"""Tests of compare.text: jieba with the domain dictionary, stop-list, cache."""

from __future__ import annotations

import os

import pytest

from compare import config, text
from compare.exceptions import CompareError

# Real phrases from the seed plans. These pins change only when the user
# dictionary changes: update them deliberately, never to make a test pass.
PINNED = {
    "推进家庭医生签约服务高质量发展": "推进/家庭医生/签约服务/高质量/发展",
    "扎实推进紧密型城市医疗集团建设": "扎实/推进/紧密型/城市医疗集团/建设",
    "实施医养结合促进行动": "实施/医养结合/促进/行动",
    "提升胸痛中心、卒中中心、房颤中心等急症、重症服务能力": "提升/胸痛中心/、/卒中中心/、/房颤中心/等/急症/、/重症/服务/能力",
    "深化区级安宁疗护中心建设": "深化/区级/安宁疗护/中心/建设",
    "完成150台AED设备增配": "完成/150/台/AED/设备/增配",
    "以“一网通办”改革为抓手": "以/“/一网通办/”/改革/为/抓手",
    "做深做实天山中医医院中医医联体建设": "做深/做实/天山/中医医院/中医/医联体/建设",
    "加强病媒生物防制": "加强/病媒生物防制",
    "开展检查检验结果互认": "开展/检查检验/结果互认",
    "全面实施长期护理保险制度": "全面实施/长期护理保险/制度",
    "深入推进长三角（上海）互联网医院3.0版建设": "深入/推进/长三角/(/上海/)/互联网医院/3.0/版/建设",
}


@pytest.mark.parametrize("sentence", sorted(PINNED))
def test_it_segments_real_domain_phrases_as_pinned(sentence):
    assert "/".join(text.segment(sentence)) == PINNED[sentence]


def test_it_keeps_every_user_dictionary_word_whole():
    words = [w for w, _, _ in text.read_user_dict(config.USER_DICT_FILE)]
    broken = [w for w in words if text.segment(w) != [text.normalize(w)]]
    assert broken == []


def test_tokenize_drops_stop_words_numbers_and_punctuation_but_keeps_one_character_words():
    tokens = text.tokenize("进一步加强癌症筛查，完成150台AED设备增配，提高药品配备数量。")
    assert "进一步" not in tokens and "加强" not in tokens
    assert "150" not in tokens and "，" not in tokens
    assert "AED" in tokens
    assert "癌症" in tokens and "药品" in tokens
    assert text.tokenize("推进大肠癌、肺癌等筛查，加强肝炎防治")[:2] == ["大肠癌", "肺癌"]
    assert "肺" in text.tokenize("慢性阻塞性的肺")  # a one-character word survives


def test_full_width_text_is_normalized():
    assert text.segment("ＡＥＤ") == ["AED"]


def test_segmentation_is_deterministic_and_leaves_jiebas_global_tokenizer_alone():
    import jieba

    sentence = "实施医养结合促进行动，深化安宁疗护"
    assert text.segment(sentence) == text.segment(sentence)
    assert "医养结合" not in jieba.lcut("实施医养结合促进行动")


def test_user_dictionary_comments_frequencies_and_tags(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text("# comment\n\n医养结合 50000 n\n长护险\n五大中心 3000\n", encoding="utf-8")
    assert text.read_user_dict(path) == [
        ("医养结合", 50000, "n"),
        ("长护险", None, None),
        ("五大中心", 3000, None),
    ]


def test_bad_frequency_names_the_file(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text("医养结合 1.5\n", encoding="utf-8")
    with pytest.raises(CompareError, match="dict.txt"):
        text.read_user_dict(path)


def test_stop_list_reads_words_separated_by_spaces(tmp_path):
    path = tmp_path / "stop.txt"
    path.write_text("# boilerplate\n推进 加强\n进一步\n", encoding="utf-8")
    assert text.read_stopwords(path) == frozenset({"推进", "加强", "进一步"})


def test_dictionary_digest_changes_with_the_words_not_with_the_stop_list(tmp_path):
    d1 = tmp_path / "a.txt"
    d2 = tmp_path / "b.txt"
    s1 = tmp_path / "s1.txt"
    s2 = tmp_path / "s2.txt"
    d1.write_text("医养结合 50000\n", encoding="utf-8")
    d2.write_text("医养结合 50000\n安宁疗护 50000\n", encoding="utf-8")
    s1.write_text("推进\n", encoding="utf-8")
    s2.write_text("推进 加强\n", encoding="utf-8")
    assert text.load_dictionary(d1, s1).digest == text.load_dictionary(d1, s2).digest
    assert text.load_dictionary(d1, s1).digest != text.load_dictionary(d2, s1).digest


def test_a_new_user_word_changes_segmentation(tmp_path):
    stop = tmp_path / "s.txt"
    stop.write_text("推进\n", encoding="utf-8")
    plain = tmp_path / "plain.txt"
    plain.write_text("# empty\n", encoding="utf-8")
    extra = tmp_path / "extra.txt"
    extra.write_text("示范性康复中心 50000\n", encoding="utf-8")
    sentence = "推进示范性康复中心建设"
    assert "示范性康复中心" not in text.segment(sentence, text.load_dictionary(plain, stop))
    assert "示范性康复中心" in text.segment(sentence, text.load_dictionary(extra, stop))


def test_cache_is_written_atomically_and_reused(tmp_path, monkeypatch):
    texts = ["推进家庭医生签约服务高质量发展", "实施医养结合促进行动", "实施医养结合促进行动"]
    first = text.segment_many(texts, cache_root=tmp_path)
    files = list(tmp_path.rglob("*.marshal"))
    assert files and not list(tmp_path.rglob("*.tmp"))

    def boom(*_args, **_kwargs):
        raise AssertionError("segmented again instead of reading the cache")

    monkeypatch.setattr(text, "_segment_chunk", boom)
    assert text.segment_many(texts, cache_root=tmp_path) == first
    assert first[1] == first[2] == ["实施", "医养结合", "促进", "行动"]


def test_cache_goes_under_the_configured_interim_folder(isolated_home):
    text.tokenize_many(["加强医联体建设"])
    assert list((isolated_home / "interim" / "tokens").rglob("*.marshal"))


def test_parallel_segmentation_equals_serial():
    texts = [f"第{i}项：推进家庭医生签约服务，实施医养结合，深化安宁疗护。" for i in range(40)]
    serial = text.segment_many(texts, cache=False, n_jobs=1)
    parallel = text.segment_many(texts, cache=False, n_jobs=2, parallel_threshold=0)
    assert parallel == serial


def _loky_workers() -> list[int]:
    import psutil

    return [
        p.pid
        for p in psutil.Process().children(recursive=True)
        if "popen_loky" in " ".join(p.cmdline())
    ]


def test_parallel_segmentation_shuts_its_workers_down_and_shares_tokens():
    # the number in each block: no two texts share a block, so jieba cuts each one anew
    texts = [f"第{i}项：推进家庭医生签约服务，深化安宁疗护{i}号。" for i in range(40)]
    parallel = text.segment_many(texts, cache=False, n_jobs=2, parallel_threshold=0, intern=False)
    assert parallel == text.segment_many(texts, cache=False, n_jobs=1)
    # the workers do not stay resident (each holds a jieba dictionary) once the texts are cut
    assert _loky_workers() == []
    # within a worker's chunk a token is one string: the chunk is pickled as one copy of it
    first = {id(tokens[tokens.index("安宁疗护")]) for tokens in parallel}
    assert len(first) <= 4  # at most one string per chunk (two chunks per worker)


def test_compare_jobs_caps_the_workers_of_segmentation(monkeypatch):
    import joblib

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started with COMPARE_JOBS=1")

    texts = [f"第{i}项：推进家庭医生签约服务，深化安宁疗护。" for i in range(10)]
    monkeypatch.setattr(joblib, "Parallel", no_pool)
    monkeypatch.setenv("COMPARE_JOBS", "1")
    serial = text.segment_many(texts, cache=False, parallel_threshold=0)
    assert serial == text.segment_many(texts, cache=False, n_jobs=1)
    # a value that is not a positive integer is ignored: the cores decide again
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv("COMPARE_JOBS", bad)
        assert config.worker_count() == (os.cpu_count() or 1)


def test_shutdown_workers_without_workers_starts_none():
    text.shutdown_workers()
    assert _loky_workers() == []


def test_chunks_cover_every_text_in_order():
    items = ["甲" * n for n in (5, 1, 7, 3, 2, 9)]
    parts = text._chunks(items, 3)
    assert [x for p in parts for x in p] == items
    assert len(parts) <= 3


def test_remembered_blocks_give_exactly_jiebas_tokens_of_the_whole_text(raw_dir):
    from compare.io import decode_bytes

    d = text.default_dictionary()
    plain = text._jieba_tokenizer(d.digest, d.words)
    for path in sorted(raw_dir.glob("*.txt")):
        whole = decode_bytes(path.read_bytes()).text
        for piece in [
            whole,
            *whole.splitlines(),
            whole + whole,
        ]:  # the second copy: all from memory
            expected = [t for t in plain.lcut(text.normalize(piece), HMM=True) if t.strip()]
            assert text.segment(piece, d) == expected


def test_the_block_memory_is_bounded_and_a_forgotten_block_is_cut_again(monkeypatch):
    monkeypatch.setattr(text, "BLOCK_MEMO_SIZE", 2)
    d = text.load_dictionary()
    text._block_cutter.cache_clear()  # the memory is made with the size in force
    first = text.segment("推进医养结合。发展安宁疗护。加强医联体建设。", d)
    _, cut = text._block_cutter(d.digest, d.words)
    assert cut.cache_info().currsize <= 2
    assert text.segment("推进医养结合。发展安宁疗护。加强医联体建设。", d) == first
    text._block_cutter.cache_clear()


def test_jieba_is_imported_without_pkg_resources_and_cuts_the_same() -> None:
    import subprocess
    import sys

    code = (
        "import sys, warnings; warnings.simplefilter('error', DeprecationWarning)\n"
        "from compare.text import segment, default_dictionary\n"
        "from compare.keyness import name_tags\n"
        "print(segment('实施医养结合促进行动，推进安宁疗护'), name_tags()['上海'],\n"
        "      'pkg_resources' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[-1] == "False"
    assert out[-2] == "ns"
    import jieba  # here, with pkg_resources where it is installed

    tokenizer = jieba.Tokenizer()
    for word, freq, tag in text.default_dictionary().words:
        tokenizer.add_word(word, freq, tag)
    sentence = text.normalize("实施医养结合促进行动，推进安宁疗护")
    expected = [t for t in tokenizer.lcut(sentence) if t.strip()]
    assert " ".join(out[:-2]) == str(expected)
