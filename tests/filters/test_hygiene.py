"""hygiene: invisible and control characters, HTML residue, NFC (SPEC §3.2)."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.core import Report
from cleaner.core import compose_edits
from cleaner.filters import hygiene
from tests.filters.casefile import build, case_tests, check_han_accounted, check_stable, replay, run

NAME = "hygiene"


test_changes, test_keeps = case_tests(NAME)


def test_spans_point_into_the_received_text():
    text = "人才\u200b工作&nbsp;会议<br>第二行<span>内容</span>"
    out, report = run(build(NAME), text)
    assert out == "人才工作 会议\n第二行内容"
    for edit in report.edits:
        assert text[edit.start:edit.end] == edit.old
    olds = [e.old for e in report.edits]
    assert olds == ["\u200b", "&nbsp;", "<br>", "<span>", "</span>"]
    assert report.changes[NAME] == 5


def test_clean_text_is_left_alone_and_unreported():
    text = open_seed_like()
    out, report = run(build(NAME), text)
    assert out is text
    assert not report.edits


def open_seed_like() -> str:
    return "XX县2023年度人才工作情况述职报告\nXXX：\n2023年以来，XX县深入学习贯彻（一）８％，“1+10”。\n\n\n"


def test_never_nfkc_or_width_folding():
    text = "，；：？！（）８％ＡＢ\u3000ｶ"
    out, _ = run(build(NAME), text)
    assert out == text
    assert unicodedata.normalize("NFKC", text) != text  # the trap is real


def test_nfc_edit_is_reported_with_the_changed_part_only():
    text = "第一行\n咖啡Cafe\u0301好\n"
    out, report = run(build(NAME), text)
    assert out == "第一行\n咖啡Café好\n"
    [edit] = report.edits
    assert (edit.old, edit.new) == ("e\u0301", "é")
    assert text[edit.start:edit.end] == edit.old


def test_option_break_tags_empty_removes_br_without_a_break():
    out, _ = run(build(NAME, break_tags=[]), "甲<br>乙<p>丙")
    assert out == "甲乙丙"


def test_option_break_tags_can_add_div():
    out, _ = run(build(NAME, break_tags=["br", "p", "div"]), "甲<div>乙</div>丙")
    assert out == "甲\n乙\n丙"


def test_option_entities_off():
    out, _ = run(build(NAME, entities=False), "甲&nbsp;乙")
    assert out == "甲&nbsp;乙"


def test_option_nfc_off():
    out, _ = run(build(NAME, nfc=False), "e\u0301")
    assert out == "e\u0301"


def test_option_tags_limits_removed_tags():
    out, _ = run(build(NAME, tags=["span"]), "<span>甲</span><font>乙</font>")
    assert out == "甲<font>乙</font>"


def test_option_invisible():
    out, _ = run(build(NAME, invisible="\\u200b"), "甲\u200b乙\u00ad丙")
    assert out == "甲乙\u00ad丙"


def test_many_tags_are_fast_enough():
    # a break-tag decision looks only at its neighbours (no copy of the text before it)
    text = "人才工作<br>" * 50_000
    out, report = run(build(NAME), text)
    assert out == "人才工作\n" * 49_999 + "人才工作"
    assert report.changes[NAME] == 50_000


def test_nfc_suspects_table_is_derived_from_unicodedata():
    # The quick test trusts a text without any of these characters to be NFC; the
    # table must hold every BMP character with a canonical decomposition, every
    # combining mark and every character after the first of a canonical decomposition
    # (of any character, BMP or not), and the Hangul medial vowels and final consonants.
    if unicodedata.unidata_version != hygiene._NFC_SUSPECTS_VERSION:
        pytest.skip("the table is for another Unicode version (the quick test then leaves NFC to the full check)")
    derived: set[int] = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    for cp in range(0x110000):
        ch = chr(cp)
        if unicodedata.combining(ch):
            derived.add(cp)
        fields = unicodedata.decomposition(ch).split()
        if fields and not fields[0].startswith("<"):
            derived.add(cp)
            derived.update(int(f, 16) for f in fields[1:])
    table: set[int] = set()
    for item in hygiene._NFC_SUSPECTS.split():
        first, _, last = item.partition("-")
        table.update(range(int(first, 16), int(last or first, 16) + 1))
    assert table == {cp for cp in derived if cp < 0x10000}


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(max_codepoint=0xFFFF, blacklist_categories=("Cs",)), max_size=30))
def test_text_without_suspects_is_nfc(text):
    work = build(NAME)._work  # type: ignore[attr-defined]
    if work.search(text) is None:
        assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("甲\U0002F800乙", "甲\u4e3d乙"),  # a CJK compatibility ideograph beyond the BMP
        ("😀Cafe\u0301", "😀Café"),  # a 4-byte string with a BMP suspect
        ("𠀀\U0001D15E", "𠀀\U0001D157\U0001D165"),  # a musical symbol NFC decomposes
        ("\u1100\u1161\u11a8", "\uac01"),  # Hangul jamo compose
        ("\uac00\u11a8", "\uac01"),  # a syllable and a final consonant compose
        ("\u2000", "\u2002"),  # a singleton: EN QUAD is EN SPACE in NFC
    ],
)
def test_nfc_beyond_the_quick_test(text, expected):
    out, report = run(build(NAME), text)
    assert out == expected
    assert replay(text, report.edits, ordered=False) == out


def test_clean_text_beyond_the_bmp_is_left_alone():
    text = "𠀀人才😀工作\n"
    out, report = run(build(NAME), text)
    assert out is text
    assert not report.edits


TOKENS = [
    "人", "才", "工作", "𠀀", "\n", "\n\n", " ", "\t", "&", "amp;", "&nbsp;", "&nbsp", "nbsp;", "&lt;", "&gt;",
    "&#8220;", "&#x201c;", "&#8203;", "&#0;", "#", ";", "<", ">", "<br>", "<p>", "</p>", "br", "p", "/",
    "<span>", "</span>", "<!--", "-->", "\u200b", "\ufeff", "\u00ad", "\x0c", "\x0b", "\r", "\r\n", "\x00",
    "\u2028", "e", "\u0301", "\uf900", "，", "a<b",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_idempotent_and_every_lost_han_is_reported(text):
    out, report = check_stable(build(NAME), text, ordered=False)
    check_han_accounted(text, out, report, exact=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS + ["\U0002F800", "😀", "é", "\u3099", "\u304b", "\u2000", "\u3000"]), max_size=30).map("".join))
def test_quick_test_agrees_with_the_full_work(text):
    flt = build(NAME)
    quick, report = run(flt, text)
    full_report = Report()
    full_report.filter = NAME
    assert quick == flt._apply(text, full_report)  # type: ignore[attr-defined]
    assert report.edits == full_report.edits




@st.composite
def two_rounds(draw):
    """An original text and two rounds of random edits, the second on the first's result."""
    alphabet = st.sampled_from("abcdef人才\n")
    text = draw(st.text(alphabet, max_size=30))

    def round_of(s: str) -> list[tuple[int, int, str]]:
        cuts = sorted(draw(st.lists(st.integers(0, len(s)), max_size=8)))
        edits: list[tuple[int, int, str]] = []
        for a, b in zip(cuts[::2], cuts[1::2]):
            if edits and (a < edits[-1][1] or a == b == edits[-1][0] == edits[-1][1]):
                continue  # no overlap; two insertions at one point would be ambiguous
            edits.append((a, b, draw(st.text(alphabet, max_size=3))))
        return edits

    def apply(s: str, edits: list[tuple[int, int, str]]) -> str:
        parts, pos = [], 0
        for a, b, new in edits:
            parts += [s[pos:a], new]
            pos = b
        return "".join(parts) + s[pos:]

    first = round_of(text)
    middle = apply(text, first)
    second = round_of(middle)
    return text, first, middle, second, apply(middle, second), apply


@settings(max_examples=500, deadline=None)
@given(two_rounds())
def test_compose_edits(data):
    text, first, middle, second, final, apply = data
    composed = compose_edits(first, second, middle)
    assert apply(text, composed) == final
    for (a, b, _), (c, d, _) in zip(composed, composed[1:]):
        assert b <= c and (a, b) <= (c, d)


def test_lone_surrogates_are_removed_and_reported():
    # A str from JSON ("\ud800") or a library caller can hold them; no file can be written with them.
    report = Report()
    report.filter = "hygiene"
    text = "标题\n正文\ud800内容\udcc8。\n"
    assert build("hygiene").apply(text, report) == "标题\n正文内容。\n"
    assert [(e.start, e.old, e.new) for e in report.edits] == [(5, "\ud800", ""), (8, "\udcc8", "")]
