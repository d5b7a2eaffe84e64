"""decode: every supported encoding round-trips; binary data is refused with a reason."""
from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from cleaner.core import Report
from cleaner.filters.decode import TRUSTED_SHARE, Decode, NotText, chinese_share

SIMPLIFIED = "XX县2023年度人才工作情况述职报告\n一、工作开展情况\n坚持党管人才，构建人才工作“大格局”。\n"
TRADITIONAL = "人才工作情況述職報告\n一、工作開展情況\n堅持黨管人才，構建人才工作「大格局」。\n"


def decode(data: bytes) -> tuple[str, Report]:
    report = Report()
    return Decode(**Decode.defaults()).decode(data, report), report


@pytest.mark.parametrize(
    "data, encoding",
    [
        (SIMPLIFIED.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8-sig"),
        (SIMPLIFIED.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), "utf-16"),
        ((SIMPLIFIED * 3).encode("gb18030"), "gb18030"),
        ((SIMPLIFIED * 3).encode("gbk"), "gb18030"),
        ((SIMPLIFIED * 3).encode("gb2312"), "gb18030"),
        ((TRADITIONAL * 3).encode("big5"), "big5"),
        ((SIMPLIFIED * 100).encode("gb18030"), "gb18030"),  # longer than the head that is checked first
        ((TRADITIONAL * 100).encode("big5"), "big5"),
    ],
)
def test_supported_encodings(data, encoding):
    text, report = decode(data)
    assert text.replace("\ufeff", "") == data.decode(encoding if encoding != "utf-16" else "utf-16").lstrip("\ufeff")
    assert "\ufeff" not in text
    assert report.facts["encoding"] == encoding


REDACTED = "XX县××局关于**同志任职的通知\n经县委研究决定，任命**同志为××局局长，免去***同志××局局长职务。\n"
GOLD = Path(__file__).parents[1] / "data" / "gold"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(REDACTED, id="short-with-times-signs"),
        pytest.param((GOLD / "003_15531fa594c20b79.txt").read_text(encoding="utf-8").replace("XX", "××"), id="seed-003-with-times-signs"),
        pytest.param("XXXX年，首次在市内拿出XX个岗位公开引才。\n", id="short-also-valid-big5"),
        pytest.param("2025年，XX", id="tiny-almost-utf8"),
    ],
)
@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_gb_text_that_charset_statistics_misjudge_is_read_as_gb18030(text, encoding):
    # charset-normalizer alone refuses the first two (the ×× look like mess to it),
    # prefers Big5 for the third, and the fourth has one broken UTF-8 sequence only.
    decoded, report = decode(text.encode(encoding))
    assert decoded == text
    assert report.facts["encoding"] == "gb18030"
    assert not report.warnings and not report.edits


@pytest.mark.parametrize("text", [TRADITIONAL, "人才工作情況", "2025年，XX"])
def test_short_big5_text_stays_big5(text):
    decoded, report = decode(text.encode("big5"))
    assert decoded == text
    assert report.facts["encoding"] == "big5"


def test_the_right_reading_scores_above_the_trusted_share_and_the_wrong_one_below():
    for text, encoding, wrong in [(SIMPLIFIED * 3, "gbk", "big5"), (TRADITIONAL * 3, "big5", "gb18030"), (REDACTED, "gbk", "big5")]:
        data = text.encode(encoding)
        assert chinese_share(data.decode(encoding)) > 0.95
        assert chinese_share(data.decode(wrong, errors="replace")) < TRUSTED_SHARE


def test_line_endings_become_lf_and_are_counted():
    text, report = decode("一\r\n二\r三\n".encode("utf-8"))
    assert text == "一\n二\n三\n"
    assert report.changes["decode"] == 2


def test_str_input_is_normalized_too():
    report = Report()
    report.filter = "decode"
    assert Decode(**Decode.defaults()).apply("\ufeff甲\r\n乙", report) == "甲\n乙"


@pytest.mark.parametrize(
    "data, words",
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "ZIP archive"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        ("正常文本".encode("utf-8") + b"\x00\x00\x01\x02" * 10, "NUL bytes"),
    ],
)
def test_binary_is_not_text(data, words):
    with pytest.raises(NotText, match=words):
        decode(data)


def test_random_bytes_are_not_text():
    rng = random.Random(7)
    for _ in range(20):
        data = bytes(rng.randrange(256) for _ in range(4096))
        with pytest.raises(NotText):
            decode(data)


def test_a_few_broken_bytes_in_utf8_are_replaced_and_reported():
    good = (SIMPLIFIED * 200).encode("utf-8")
    data = good[:3000] + b"\xff" + good[3000:]
    # keep the cut on a character boundary so only the inserted byte is invalid
    assert good[:3000].decode("utf-8", errors="strict")
    text, report = decode(data)
    assert text.count("\ufffd") == 1
    assert report.facts["encoding"] == "utf-8"
    assert any("invalid UTF-8" in w for w in report.warnings)
    [edit] = [e for e in report.edits if e.new == "\ufffd"]
    assert edit.old == "<invalid bytes ff>"
    assert text[edit.start] == "\ufffd"


def with_broken_head(broken: int) -> bytes:
    """``broken`` invalid bytes, one at a time, in the first 4 KB (which decode checks
    first), then good UTF-8 whose character at byte 4096 is split by that head."""
    good = (SIMPLIFIED * 400).encode("utf-8")
    for pad in range(6):  # (no run of ASCII in the text is longer than 4 bytes)
        data = b"\xffa" * broken + b"a" * pad + good
        if (data[4096] & 0xC0) == 0x80:  # a continuation byte: the head cuts a character
            return data
    raise AssertionError("no padding splits a character at byte 4096")  # pragma: no cover


def test_broken_bytes_in_the_head_count_against_the_whole_input():
    share = Decode.defaults()["max_invalid_utf8"]
    results = {}
    for broken in range(40, 70):
        data = with_broken_head(broken)
        allowed = int(len(data) * share)
        try:
            text, report = decode(data)
            results[broken] = report.facts["encoding"] == "utf-8" and text.count("\ufffd") == broken
        except NotText:
            results[broken] = False
        assert results[broken] == (broken <= allowed), (broken, allowed)
    assert True in results.values() and False in results.values()  # both sides of the limit were tried


def test_empty_input_is_empty_text():
    text, report = decode(b"")
    assert text == ""
    assert report.facts["encoding"] == "utf-8"
