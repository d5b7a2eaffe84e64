"""boilerplate: advertising lines and web page leftovers (SPEC §3.4)."""
from __future__ import annotations

import collections
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.filters.casefile import build, case_tests, check_han_accounted, check_stable, run, spans

NAME = "boilerplate"
SEEDS = Path(__file__).resolve().parents[2] / "samples"  # the seed documents, as bundled
BODY = "".join(f"第{i}段正文，内容平实。\n" for i in range(1, 13))
AD = "需要的请联系客服：cwk"  # score 3: goes near an edge, stays in the middle


test_changes, test_keeps = case_tests(NAME)


def test_each_removed_line_is_one_edit_with_its_newline():
    text = "标题\n正文。\n\n添加客服微信：abc123，领取会员\n关注公众号：笔杆子，免费下载\n"
    out, report = run(build(NAME), text)
    assert out == "标题\n正文。\n\n"
    first = text.index("添加")
    second = text.index("关注")
    assert spans(report) == [
        (first, second, "添加客服微信：abc123，领取会员\n", ""),
        (second, len(text), "关注公众号：笔杆子，免费下载\n", ""),
    ]
    for edit in report.edits:
        assert text[edit.start:edit.end] == edit.old


def test_blank_lines_are_kept():
    text = "标题\n\n正文。\n\n\n" + AD + "\n\n\n"
    out, _ = run(build(NAME), text)
    assert out == "标题\n\n正文。\n\n\n\n\n"


def test_position_decides_a_weak_line():
    flt = build(NAME)
    at_end, _ = run(flt, BODY + AD + "\n")
    assert at_end == BODY
    at_start, _ = run(flt, AD + "\n" + BODY)
    assert at_start == BODY
    middle = BODY[:60] + AD + "\n" + BODY[60:]
    assert "\n" + AD in middle
    kept, report = run(flt, middle)
    assert kept == middle and not report.edits


def test_more_ad_lines_than_the_edge_zone_all_go_at_once():
    ads = [f"{AD}{i}" for i in range(8)]  # more than tail_lines
    text = BODY + "".join(a + "\n" for a in ads)
    flt = build(NAME)
    out, report = run(flt, text)
    assert out == BODY
    assert len(report.edits) == 8
    again, report2 = run(flt, out)
    assert again == out and not report2.edits


def test_end_of_a_compilation_part_is_an_edge():
    text = "标题一\n" + BODY + AD + "\n\n\n标题二\n" + BODY
    out, _ = run(build(NAME), text)
    assert out == "标题一\n" + BODY + "\n\n标题二\n" + BODY
    # one blank line is no part boundary
    single = "标题一\n" + BODY + AD + "\n\n标题二\n" + BODY
    out, report = run(build(NAME), single)
    assert out == single and not report.edits


def test_removing_a_line_that_makes_a_part_gap_is_stable():
    # after the ad goes, the two blank lines around it form a part gap: the next pass
    # must not find new edges there
    text = "标题\n" + BODY + "\n" + AD + "\n\n" + "需要资料请联系：cwk\n" + BODY
    flt = build(NAME)
    out, _ = run(flt, text)
    again, report = run(flt, out)
    assert again == out and not report.edits


def test_brand_line_anywhere_and_long_brand_line_warns():
    flt = build(NAME)
    text = BODY[:60] + "更多好文请访问哒哒素材库\n" + BODY[60:]
    out, _ = run(flt, text)
    assert "哒哒素材库" not in out
    long_line = "哒哒素材库" + "人才工作" * 120
    out, report = run(flt, BODY + long_line + "\n")
    assert out == BODY + long_line + "\n"
    assert len(report.warnings) == 1 and "哒哒素材库" in report.warnings[0]


def test_option_brands_extend_the_table():
    flt = build(NAME, brands=["某某文档网"])
    out, _ = run(flt, BODY[:60] + "来源：某某文档网\n" + BODY[60:])
    assert out == BODY


def test_option_head_lines_zero_keeps_leftovers():
    out, _ = run(build(NAME, head_lines=0), "正文复制\n标题\n")
    assert out == "正文复制\n标题\n"


def test_option_middle_score_lower_removes_weaker_lines():
    middle = BODY[:60] + AD + "\n" + BODY[60:]
    out, _ = run(build(NAME, middle_score=3), middle)
    assert out == BODY


def test_option_max_line_chars():
    line = "添加客服微信：abc123，领取会员" + "。" * 50
    out, _ = run(build(NAME, max_line_chars=40), BODY + line + "\n")
    assert out == BODY + line + "\n"


def test_score():
    flt = build(NAME)
    assert flt.score("在团XX县委公众号开辟专栏") == 0  # no contact
    assert flt.score("联系电话：0731-12345678") == 0  # contact, one weak word
    assert flt.score("添加客服：cwk") == 3
    assert flt.score("VIP会员免费下载，加微信：abc123") >= 4


def test_seeds():
    flt = build(NAME)
    removed = collections.Counter()
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        out, report = run(flt, text)
        removed[path.name[:3]] = len(report.edits)
        assert "哒哒素材" not in out and "哒哒代笔" not in out
        assert not re.search(r"^\s*正文复制\s*$", out, re.M)
        assert out.count("\n") == text.count("\n") - len(report.edits)
    assert removed == {"000": 1, "001": 4, "002": 0, "003": 0, "004": 0}


TOKENS = [
    "人", "才", "工作。", "\n", "\n", "\n\n", " ", "客服", "会员", "VIP", "下载", "加入", "联系", "公众号",
    "：cwk", "QQ：12345678", "微信：abc123", "0731-1234567", "正文复制", "收藏", "哒哒素材库", "在团县委公众号开辟专栏",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map("".join))
def test_idempotent_and_every_lost_han_is_reported(text):
    out, report = check_stable(build(NAME), text, ordered=False)
    check_han_accounted(text, out, report, exact=True)
    assert all(edit.new == "" and edit.old.count("\n") <= 1 for edit in report.edits)
    # blank lines stay: only removed lines' own newlines go
    assert out.count("\n") == text.count("\n") - sum(e.old.endswith("\n") for e in report.edits)


# --- the shortcuts (speed) give what looking at every trigger line gives ----------------


def unhurried(**options):
    """The filter with its shortcuts off: the plain trie finds the trigger lines, each
    one is scored, and the head is always walked."""
    from cleaner.filters.boilerplate import alternation

    flt = build(NAME, **options)
    flt.trigger = re.compile(alternation([*flt.config["brands"], *flt.weights]))
    flt.trigger_info = {}
    flt.clean_head = re.compile(r"(?!)")
    return flt


HIDING = {"brands": ["哒哒君", "Vip素材"], "weak_words": ["哒哒君子", "会员哒", "君", "下载", "更多"], "strong_words": ["vip", "客服"]}
TRICKY = [*TOKENS, "哒哒君子", "会员哒", "哒哒君", "君", "vip素材", "Vip", "  下载 | 收藏 ", "\u3000", "更多", "\n正文复制\n", "\x0b"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TRICKY), max_size=60).map("".join), st.sampled_from([{}, HIDING, {"head_lines": 1}, {"head_lines": 2}, {"head_lines": 0}, {"edge_score": 1}]))
def test_shortcuts_change_nothing(text, options):
    fast, slow = build(NAME, **options), unhurried(**options)
    out, report = run(fast, text)
    ref, ref_report = run(slow, text)
    assert out == ref
    assert report.edits == ref_report.edits and report.warnings == ref_report.warnings


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["客服", "客", "服", "VIP", "vIp", "V", "I", "哒哒", "素材库", "哒哒素材库", "下载文档", "下", "载", "\n", "。"]), max_size=40).map("".join))
def test_scanner_finds_what_the_trie_finds(text):
    from cleaner.filters.boilerplate import alternation, scanner

    words = ["客服", "VIP", "哒哒素材库", "哒哒", "素材", "下载", "下载文档", "载文"]
    trie, scan = re.compile(alternation(words)), re.compile(scanner(words))
    assert [m.span() for m in scan.finditer(text)] == [m.span() for m in trie.finditer(text)]
    assert scan.findall(text) == trie.findall(text)
    assert scanner(["客服", "单"]) == alternation(["客服", "单"])  # a one-character word: the plain trie


def test_a_word_with_a_line_feed_is_found_as_before():
    options = {"brands": ["哒哒\n君"], "weak_words": ["下载\n"]}
    text = "标题\n正文\n哒哒\n君子\n下载\n更多\n正文"
    assert build(NAME, **options).trigger_spans_lines
    assert run(build(NAME, **options), text)[0] == run(unhurried(**options), text)[0]
