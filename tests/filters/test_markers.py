"""markers: paywall/CMS markers and paywall notices (SPEC §3.3)."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.filters.markers import TRUNCATED
from tests.filters.casefile import build, case_tests, check_han_accounted, check_stable, han, replay, run, spans

NAME = "markers"
SEEDS = Path(__file__).resolve().parents[2] / "samples"  # the seed documents, as bundled


test_changes, test_keeps = case_tests(NAME)


@pytest.mark.parametrize(
    "notice",
    [
        "内容已经隐藏，点击付费后查看",
        "付费内容已经隐藏，请付费后查看",
        "此文章为付费文章，需要支付￥5元才能查看",
        "温馨提示! 你需要支付 ￥5 元后才能查看付费内容",
        "请替换付费标签内内容",
    ],
)
def test_a_notice_means_truncated(notice):
    out, report = run(build(NAME), f"标题\n第一段。\n{notice}\n")
    assert out == "标题\n第一段。\n"
    assert report.warnings == [TRUNCATED]
    assert report.facts["truncated"] is True
    [edit] = report.edits
    assert edit.old == notice + "\n"


def test_plain_markers_are_not_truncation():
    out, report = run(build(NAME), "标题\n##paidbegin##付费部分\n##paidend##\n")
    assert out == "标题\n付费部分\n"
    assert report.warnings == []
    assert "truncated" not in report.facts


def test_spans_point_into_the_received_text():
    text = "局D组班##paidbegin##子成员\n##paidend##\n尾"
    out, report = run(build(NAME), text)
    assert out == "局D组班子成员\n尾"
    assert spans(report) == [
        (4, 17, "##paidbegin##", ""),
        (21, 33, "##paidend##\n", ""),
    ]


def test_a_line_of_markers_is_one_edit():
    _, report = run(build(NAME), "甲\n##paidbegin## $$paidend$$ ##pagebreak##\n乙")
    assert len(report.edits) == 1


def test_option_markers():
    flt = build(NAME, markers=["[[vip]]"])
    out, _ = run(flt, "正文[[VIP]]结尾\n[[vip]]\n##paidend##")
    assert out == "正文结尾\n##paidend##"


def test_option_notices():
    flt = build(NAME, notices=["剩余内容需开通会员后阅读"])
    out, report = run(flt, "正文\n剩余内容需开通会员后阅读。\n")
    assert out == "正文\n"
    assert report.facts["truncated"] is True


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")) if SEEDS.is_dir() else [])
def test_seeds_lose_every_marker_and_are_not_truncated(seed):
    text = (SEEDS / seed).read_text(encoding="utf-8")
    out, report = run(build(NAME), text)
    assert "##paid" not in out and "$$paid" not in out and "##pagebreak" not in out
    assert "truncated" not in report.facts
    assert han(out) == han(text)


TOKENS = [
    "人", "才", "D", "\n", "\n\n", " ", "#", "##", "$$", "paid", "begin", "end", "page", "break",
    "##paidbegin##", "##paidend##", "$$paidbegin$$", "$$paidend$$", "##pagebreak##", "##PAIDEND##",
    "内容已经隐藏，点击付费后查看", "付费", "查看", "请替换付费标签内内容", "。", "！",
    "此文章为付费文章，需要支付", "￥5", "元才能查看",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join))
def test_idempotent_and_every_lost_han_is_reported(text):
    out, report = check_stable(build(NAME), text, ordered=False)
    check_han_accounted(text, out, report, exact=True)
    assert out.count("\n") <= text.count("\n")




def test_a_marker_joined_by_a_cut_is_removed_too_with_one_span():
    text = "甲####paidbegin##paidbegin##乙"
    out, report = run(build(NAME), text)
    assert out == "甲乙"
    assert [(e.start, e.end, e.old) for e in report.edits] == [(1, len(text) - 1, text[1:-1])]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("甲##x##乙#丙", "甲乙丙"),  # the longer marker wins where both start
        ("甲$$Y$$乙##X##丙\n$$y$$ ##x##\n丁", "甲乙丙\n丁"),  # both heads; a line of markers goes
        ("甲$$y$乙", "甲y$乙"),
    ],
)
def test_markers_of_several_heads(text, expected):
    flt = build(NAME, markers=["#", "##x##", "$$y$$", "$$"])
    out, report = run(flt, text)
    assert out == expected
    assert replay(text, report.edits, ordered=False) == out
