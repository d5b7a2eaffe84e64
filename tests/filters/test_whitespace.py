"""whitespace: SPEC §3.6 cases, reported spans, options and properties."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.core import Report
from cleaner.filters.whitespace import DEFAULT_SPACES
from cleaner.profile import ProfileError, load_profile
from tests.filters.casefile import build, case_tests, check_han_accounted, check_stable, replay, run, spans

NAME = "whitespace"


test_changes, test_keeps = case_tests(NAME)




def test_spans_are_in_the_received_text():
    flt = build(NAME)
    text = "\u3000\u3000近年来 ，我局  引入 VR 技术\t\nHello   world "
    out, report = run(flt, text)
    assert out == "近年来，我局引入VR技术\nHello world"
    assert spans(report) == [
        (0, 2, "\u3000\u3000", ""),
        (5, 6, " ", ""),
        (9, 11, "  ", ""),
        (13, 14, " ", ""),
        (16, 17, " ", ""),
        (19, 20, "\t", ""),
        (26, 29, "   ", " "),
        (34, 35, " ", ""),
    ]
    assert report.changes[NAME] == 8
    assert replay(text, report) == out


def test_strip_line_edges_off_keeps_indentation():
    flt = build(NAME, strip_line_edges=False)
    out, _ = run(flt, "\u3000\u3000近年来 ，我局 \n  Hello  world  ")
    assert out == "\u3000\u3000近年来，我局 \n  Hello world  "


def test_spaces_option_narrows_what_counts():
    flt = build(NAME, spaces=" ")
    out, _ = run(flt, "近年来 我局\u3000引入")
    assert out == "近年来我局\u3000引入"


def test_a_line_break_in_spaces_is_refused():
    with pytest.raises(ValueError, match="line break"):
        build(NAME, spaces=" \\n")


def test_profile_rejects_a_bad_class():
    import pathlib
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = pathlib.Path(d) / "p.toml"
        p.write_text('extends = "default"\n[filters.whitespace]\nchinese = "[a-"\n', encoding="utf-8")
        with pytest.raises(ProfileError, match="filters.whitespace.chinese"):
            load_profile(p)


def test_no_spaces_returns_the_same_object():
    flt = build(NAME)
    text = "近年来，我局坚持党管人才。\n\n第二段。"
    out, report = run(flt, text)
    assert out is text and not report.edits


ALPHABET = st.sampled_from(
    list("人才工作党县年万名x X*＊×ｘＸDAabc0123.,，。、“”《》（）()%+-—·")
    + [" ", " ", "  ", "\u3000", "\t", "\u00a0", "\n", "\n\n", "\u2003"]
)
TEXT = st.lists(ALPHABET, max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_properties(text):
    out, report = check_stable(build(NAME), text)
    check_han_accounted(text, out, report)
    assert out.count("\n") == text.count("\n"), "line breaks are never touched"
    for line in out.split("\n"):
        assert line == line.strip(" \t\u3000\u00a0\u2003")
        assert "  " not in line


LATIN_ALPHABET = st.sampled_from(list("ab1.“”—·…‘’人，\n") + [" ", " ", "  ", "\u3000", "\t", "\u2003", "\ue000"])


@pytest.mark.parametrize("options", [{}, {"spaces": " \\t\\u3000"}])
@settings(max_examples=400, deadline=None)
@given(text=st.one_of(TEXT, st.lists(LATIN_ALPHABET, max_size=40).map("".join)))
def test_whole_text_at_once_agrees_with_one_run_at_a_time(options, text):
    flt = build(NAME, **options)
    out, report = run(flt, text)
    each = Report()
    each.filter = NAME
    assert flt._apply_each(text, each) == out  # type: ignore[attr-defined]
    assert report.edits == each.edits


def test_default_spaces_but_the_ascii_one_are_unprintable():
    # apply relies on it: a printable text (apart from its line breaks) holds no other space
    spaces = re.compile(f"[{DEFAULT_SPACES}]")
    members = [chr(cp) for cp in range(0x110000) if spaces.match(chr(cp))]
    assert " " in members
    assert not any(ch.isprintable() for ch in members if ch != " ")


def test_shared_punctuation_runs_are_decided_by_what_lies_beyond():
    flt = build(NAME)
    text = "他说 “你好” 然后 — 走了\nthe “best” way · x\n甲 … b"
    out, report = run(flt, text)
    assert out == "他说“你好”然后—走了\nthe “best” way · x\n甲…b"
    assert replay(text, report) == out
