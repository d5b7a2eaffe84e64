"""placeholders: SPEC §3.8 cases, the profile's table, reported spans and properties."""
from __future__ import annotations

import collections
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.core import Report
from cleaner.filters.placeholders import DEFAULT_EXCEPTIONS, Placeholders
from tests.filters.casefile import HAN, ROOT, build, case_tests, check_stable, replay, run, spans

NAME = "placeholders"


test_changes, test_keeps = case_tests(NAME)


def test_default_profile_table_equals_the_class_defaults():
    data = tomllib.loads((ROOT / "profiles" / "default.toml").read_text(encoding="utf-8"))
    section = data["filters"][NAME]
    assert section["exceptions"] == DEFAULT_EXCEPTIONS
    for key, value in section.items():
        assert Placeholders.defaults()[key] == value, key


def test_length_survives_and_spans_are_reported():
    flt = build(NAME)
    text = "共计xx人，**县x.xx万株，20xx年"
    out, report = run(flt, text)
    assert out == "共计XX人，XX县X.XX万株，20XX年"
    assert len(out) == len(text)
    assert spans(report) == [
        (2, 4, "xx", "XX"),
        (6, 8, "**", "XX"),
        (9, 13, "x.xx", "X.XX"),
        (18, 20, "xx", "XX"),
    ]


def test_uppercase_runs_are_not_reported():
    flt = build(NAME)
    out, report = run(flt, "XX县XXX同志，X名，xx人")
    assert out == "XX县XXX同志，X名，XX人"
    assert [(e.start, e.old) for e in report.edits] == [(12, "xx")]


def test_clean_text_is_skipped():
    flt = build(NAME)
    text = "XX县XXX同志，X名"
    out, report = run(flt, text)
    assert out is text and not report.edits


def test_mark_and_characters_options():
    flt = build(NAME, mark="某", characters="x")
    out, _ = run(flt, "xx县**人")
    assert out == "某某县**人"


def test_exceptions_can_be_removed():
    flt = build(NAME, exceptions=[])
    out, _ = run(flt, "X光和长×宽")
    assert out == "X光和长X宽"


@pytest.mark.parametrize(
    "exceptions",
    [
        [r"(x)(?=光)"],  # a group of its own: the runs are taken one at a time
        [r"x(?=\p{Han}光)"],  # regex-module syntax: tried on each run
    ],
)
def test_exceptions_beyond_the_joined_pattern(exceptions):
    flt = build(NAME, exceptions=exceptions)
    text = "xx人x光x.x万*名x县光"
    out, report = run(flt, text)
    assert out == ("XX人X光X.X万X名x县光" if "Han" in exceptions[0] else "XX人x光X.X万X名X县光")
    assert replay(text, report) == out


def test_dots_stay_and_every_run_is_reported_with_its_span():
    flt = build(NAME)
    text = "x.x万，xx.x，＊＊.×，X.x，XX.XX"
    out, report = run(flt, text)
    assert out == "X.X万，XX.X，XX.X，X.X，XX.XX"
    assert spans(report) == [
        (0, 3, "x.x", "X.X"),
        (5, 9, "xx.x", "XX.X"),
        (10, 14, "＊＊.×", "XX.X"),
        (15, 18, "X.x", "X.X"),
    ]




ALPHABET = st.sampled_from(
    list("人才县年万名光线轴长宽党xxxXX**＊××ｘＸDAGabv0123..,，。、“”（）()%+-—· \n") + ["xx", "**", "X光", "x.x", "20xx", "3×3", "Excel"]
)
TEXT = st.lists(ALPHABET, max_size=50).map("".join)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_whole_text_at_once_agrees_with_one_run_at_a_time(text):
    flt = build(NAME)
    out, report = run(flt, text)
    each = Report()
    each.filter = NAME
    assert flt._apply_each(text, each) == out  # type: ignore[attr-defined]
    assert report.edits == each.edits


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_properties(text):
    out, report = check_stable(build(NAME), text)
    assert len(out) == len(text), "one X per placeholder character"
    lost = collections.Counter(HAN.findall(text)) - collections.Counter(HAN.findall(out))
    assert not lost, "no Han character disappears"
    for e in report.edits:
        assert set(e.new) <= {"X", "."}
