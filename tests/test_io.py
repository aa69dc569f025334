"""Reading plan files: encodings, line ends and bad input."""

from __future__ import annotations

import pytest

from compare.exceptions import PlanInputError
from compare.io import decode_bytes, read_plan_file

TEXT = "2025年某区卫生健康工作要点\n一、强基层\n1. 做实家庭医生签约服务。\n"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030")],
)
def test_it_decodes_common_encodings_without_mojibake(encoding, expected):
    raw = decode_bytes(TEXT.encode(encoding))
    assert raw.text == TEXT
    assert raw.encoding == expected


def test_it_turns_crlf_into_lf_keeping_line_numbers():
    raw = decode_bytes(TEXT.replace("\n", "\r\n").encode("utf-8"))
    assert raw.text == TEXT
    assert raw.text.count("\n") == TEXT.count("\n")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty file"),
        (b"  \n\r\n ", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (bytes(range(128, 256)) * 4, "cannot be decoded"),
    ],
)
def test_it_rejects_bad_input_with_one_line_naming_the_file(data, problem):
    with pytest.raises(PlanInputError) as err:
        decode_bytes(data, name="plans/bad.txt")
    message = str(err.value)
    assert message.startswith("plans/bad.txt: ")
    assert problem in message
    assert "\n" not in message


def test_it_names_a_missing_path_and_a_folder(tmp_path):
    with pytest.raises(PlanInputError, match="no such file"):
        read_plan_file(tmp_path / "missing.txt")
    with pytest.raises(PlanInputError, match="is a folder"):
        read_plan_file(tmp_path)


def test_it_hashes_the_bytes_not_the_text():
    a = decode_bytes(TEXT.encode("utf-8"))
    b = decode_bytes(TEXT.encode("gb18030"))
    assert a.text == b.text
    assert a.sha256 != b.sha256


@pytest.mark.parametrize("codec", ["big5", "shift_jis", "mojibake"])
def test_chinese_in_a_foreign_encoding_is_rejected_not_parsed_into_garbage(seed_path, codec):
    text = seed_path("qingpu_2025").read_text(encoding="utf-8")
    if codec == "mojibake":
        data = text.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
    else:
        data = text.encode(codec, errors="replace")
    with pytest.raises(PlanInputError, match="cannot be decoded as Chinese text"):
        decode_bytes(data, name=f"{codec}.txt")


def test_utf16_with_a_byte_order_mark_is_read_and_without_one_named():
    raw = decode_bytes(TEXT.encode("utf-16"))  # BOM included
    assert (raw.text, raw.encoding) == (TEXT, "utf-16")
    with pytest.raises(PlanInputError, match="UTF-16 without a byte-order mark"):
        decode_bytes((TEXT * 20).encode("utf-16-le"), name="u16.txt")


def test_utf8_cut_inside_a_character_names_the_byte_and_line():
    data = "一、总则\n1. 做好家庭医生签约服务工作。\n".encode() * 20
    cut = data[: len(data) - 2]  # a download stopped inside the last character
    with pytest.raises(
        PlanInputError, match=r"cut inside a character at byte \d+ of \d+ \(line 40"
    ):
        decode_bytes(cut, "plan.txt")
    broken = data[:300] + b"\xff" + data[300:]
    with pytest.raises(PlanInputError, match=r"invalid UTF-8 at byte 29\d \(line \d+\)"):
        decode_bytes(broken, "plan.txt")
