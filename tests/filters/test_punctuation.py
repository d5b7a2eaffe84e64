"""punctuation: SPEC §3.7 cases, reported spans, options, seeds and properties."""
from __future__ import annotations

import collections
import difflib
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.core import HAN_RANGES
from cleaner.profile import load_profile
from tests.filters.casefile import HAN, build, case_tests, check_han_accounted, check_stable, default_options, replay, run, spans

NAME = "punctuation"
SAMPLES = Path(__file__).resolve().parents[2] / "samples"
GOLD = Path(__file__).resolve().parents[1] / "data" / "gold"
# The score tool's residue check for ascii-punct.
RESIDUE = re.compile(f"(?<=[{HAN_RANGES}])[,;:?!()]|[,;:?!()](?=[{HAN_RANGES}])")


test_changes, test_keeps = case_tests(NAME)




# --- reported spans --------------------------------------------------------------------


def test_spans_are_in_the_received_text_and_in_order():
    flt = build(NAME)
    text = "８％的人(一),他说\"好\", 然后."
    out, report = run(flt, text)
    assert out == "8%的人（一），他说“好”，然后。"
    assert spans(report) == [
        (0, 2, "８％", "8%"),
        (4, 5, "(", "（"),
        (6, 7, ")", "）"),
        (7, 8, ",", "，"),
        (10, 11, '"', "“"),
        (12, 13, '"', "”"),
        (13, 15, ", ", "，"),
        (17, 18, ".", "。"),
    ]
    assert all(e.filter == NAME for e in report.edits)
    assert report.changes[NAME] == 8
    assert replay(text, report) == out


def test_nothing_to_do_returns_the_same_text_and_reports_nothing():
    flt = build(NAME)
    text = "近年来，我局引入VR技术。\nHello, world.\n"
    out, report = run(flt, text)
    assert out is text
    assert not report.edits and not report.changes


def test_line_structure_is_kept():
    flt = build(NAME)
    text = "标题:\n\n\n(一)工作,\n\n正文."
    out, _ = run(flt, text)
    assert out == "标题：\n\n\n（一）工作，\n\n正文。"
    assert out.count("\n") == text.count("\n")


# --- options ---------------------------------------------------------------------------


def test_default_profile_sets_the_class_defaults():
    from cleaner.filters.punctuation import Punctuation

    assert load_profile("default").filter_options(NAME) == Punctuation.defaults()
    assert default_options(NAME) == Punctuation.defaults()


def test_marks_option_limits_which_marks_convert():
    flt = build(NAME, marks=",")
    out, _ = run(flt, "工作,然后;再:")
    assert out == "工作，然后;再:"


def test_switches_turn_stages_off():
    text = "(一)他说\"好\"。完成.筑梦•奋斗８％10：30"
    out, _ = run(build(NAME, parentheses=False, quotes=False, full_stop=False, middle_dots="",
                       fold_alnum=False, fold="", number_marks=False), text)
    assert out == text
    out, _ = run(build(NAME), text)
    assert out == "（一）他说“好”。完成。筑梦·奋斗8%10:30"


def test_fold_option_adds_symbols():
    out, _ = run(build(NAME, fold="％＊"), "增长８％＊")
    assert out == "增长8%*"
    out, _ = run(build(NAME, fold_alnum=False), "增长８％")
    assert out == "增长８%"


def test_placeholders_option_defines_what_counts_as_a_placeholder():
    out, _ = run(build(NAME), "智汇xx•才")
    assert out == "智汇xx·才"
    out, _ = run(build(NAME, placeholders="*"), "智汇xx•才")
    assert out == "智汇xx•才"  # x is a Latin letter now
    out, _ = run(build(NAME, placeholders="*"), "智汇**•才")
    assert out == "智汇**·才"


def test_drop_spaces_off_keeps_the_space():
    out, _ = run(build(NAME, drop_spaces=False), "2025年, XX市")
    assert out == "2025年， XX市"


def test_profile_rejects_a_wrong_type(tmp_path):
    from cleaner.profile import ProfileError

    path = tmp_path / "p.toml"
    path.write_text('extends = "default"\n[filters.punctuation]\nfull_stop = "yes"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="full_stop"):
        load_profile(str(path))


# --- seeds -----------------------------------------------------------------------------

SEEDS = sorted(SAMPLES.glob("*.txt"))
PUNCT = set(",;:?!()（），；：？！.。\"'“”‘’•·・‧%％+＋")


def gold_text(stem: str) -> str:
    p = GOLD / stem
    files = sorted(p.glob("*.txt")) if p.is_dir() else [p.with_suffix(".txt")]
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem[:3])
def test_seed_punctuation_matches_gold(path):
    """Applied to the raw seed, the filter leaves no ASCII mark next to Han, and every
    difference from the gold that involves punctuation belongs to another filter (a
    deleted header, boilerplate or delimiter line)."""
    flt = build(NAME)
    text = path.read_text(encoding="utf-8")
    out, report = run(flt, text)
    assert RESIDUE.findall(out) == []
    assert replay(text, report) == out
    gold = gold_text(path.stem)
    sm = difflib.SequenceMatcher(None, out, gold, autojunk=False)
    for op, a1, a2, b1, b2 in sm.get_opcodes():
        if op != "equal" and PUNCT & set(out[a1:a2] + gold[b1:b2]):
            # only whole lines that other filters drop (headers, ads, delimiters)
            assert op == "delete" and gold[b1:b2] == "", (out[a1:a2], gold[b1:b2])
            assert out[a1:a2].count("\n") >= 1 or out[a1:a2] in ("篇1：", "篇2："), out[a1:a2]
    again, _ = run(flt, out)
    assert again == out


def test_seed_000_converts_hundreds_of_marks():
    path = SAMPLES / "000_ec226d4242084735.txt"
    out, report = run(build(NAME), path.read_text(encoding="utf-8"))
    kinds = collections.Counter(e.old for e in report.edits)
    assert kinds[","] > 600 and kinds[";"] > 60 and kinds["("] > 60 and kinds[")"] > 60
    assert kinds[":"] >= 8


# --- properties ------------------------------------------------------------------------

ALPHABET = list("中文人才年市一") + list(",;:?!.()\"'") + list("ab09 \n") + list("xX*×") + list(
    "（）“”‘’，。：%％８Ａ•·・-+"
)


@settings(max_examples=800, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_idempotent_and_han_accounted(text):
    out, report = check_stable(build(NAME), text)
    check_han_accounted(text, out, report)
    assert out.count("\n") == text.count("\n")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_idempotent_on_any_text(text):
    flt = build(NAME)
    out, _ = run(flt, text)
    assert run(flt, out)[0] == out
    assert HAN.findall(out) == HAN.findall(text)


@pytest.mark.parametrize(
    "option, value",
    [("marks", ",."), ("placeholders", "x,"), ("placeholders", "x "), ("middle_dots", "•\n"), ("fold", "％%")],
)
def test_bad_option_values_are_refused(option, value):
    with pytest.raises(ValueError, match=option):
        build(NAME, **{option: value})


# --- the one-scan way and the plain stage-by-stage way agree ----------------------------
# ``apply`` scans once and matches again only around the early edits (fold, number marks,
# brackets, quotes) that may change what the main stage sees; ``_slow`` runs the stages
# one after the other on the whole text, as unusual option values need. For the usual
# options both must give the same text and the same edits, in the same order.

TOKENS = [
    "中文", "人才", "年", "一", "二十", "abc", "Hello", "x", "XX", "**", "×", "ｘｘ", "1", "2024", "3.5", "１０", "８％",
    ",", ";", ":", "?", "!", ".", "...", "(", ")", "（", "）", "\"", "'", "“", "”", "‘", "’", "，", "。", "：", "．",
    "%", "％", "＋", " ", "  ", "\t", "\n", "•", "・", "-", "e.g.", "don't", "《", "》", "、", "\u3000",
]


def _both_ways(text, **options):
    plain = build(NAME, **options)
    plain._simple = False  # the stage-by-stage way
    results = []
    for flt in (build(NAME, **options), plain):
        out, report = run(flt, text)
        results.append((out, spans(report)))
    return results


@pytest.mark.parametrize("options", [{}, {"drop_spaces": False}, {"marks": ",:"}, {"placeholders": "*"}, {"fold": "％＋，"}])
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_one_scan_matches_stage_by_stage(options, text):
    fast, plain = _both_ways(text, **options)
    assert fast == plain


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem[:3])
def test_one_scan_matches_stage_by_stage_on_seeds(path):
    fast, plain = _both_ways(path.read_text(encoding="utf-8"))
    assert fast == plain


@pytest.mark.parametrize("options", [{"middle_dots": "•（"}, {"placeholders": "x“"}, {"fold": "（％"}, {"fold": "：％"}])
def test_unusual_options_take_the_stage_by_stage_way(options):
    assert build(NAME)._simple
    assert not build(NAME, **options)._simple


# --- a huge text, a block of lines at a time --------------------------------------------

STAGE_PIECES = st.one_of(
    st.text(alphabet="人才工作党的领导年度报告", min_size=1, max_size=4),
    st.sampled_from(list(",.;:?!()\"'%•·．：，。；？！（）“”‘’《》、—…") + [" ", "  ", "\t", "\u3000", "\n"]),
    st.sampled_from(["x", "xx", "X", "*", "×", "0", "12", "3.5", "10:30", "1,000", "30%", "A", "ab", "Excel", "www.a.cn"]),
)



@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(STAGE_PIECES, max_size=60).map("".join))
def test_a_huge_text_done_in_blocks_of_lines_gives_the_same_result(monkeypatch, text):
    """Every rule stays within its line, so a huge text is cleaned a block of lines at a
    time; with tiny blocks the output and the edits must be those of one whole pass."""
    import cleaner.core

    flt = build(NAME)
    whole, whole_report = run(flt, text)
    monkeypatch.setattr(cleaner.core, "LINE_BLOCK", 3)
    blocks, blocks_report = run(flt, text)
    monkeypatch.undo()
    assert blocks == whole
    assert [tuple(e) for e in blocks_report.edits] == [tuple(e) for e in whole_report.edits]
