"""Tests of the unwrap filter (SPEC §3.5): case file, seeds, gold segments, re-typeset
dumps of the gold paragraphs, reported edits, options and properties."""
from __future__ import annotations

import random
import re
import tomllib
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.core import Report
from cleaner.filters.unwrap import Unwrap
from tests.filters.casefile import ROOT, build, case_tests, check_han_accounted, replay, run
from tests.filters.data.unwrap.typeset import gold_titles, typeset, typeset_documents, wrap

NAME = "unwrap"
SAMPLES = ROOT / "samples"
GOLD = ROOT / "tests" / "data" / "gold"
SEED_002 = "002_e6f53a7cf0d87430"
NOT_WRAPPED = ["000_ec226d4242084735", "001_ab937eb7a2cd7c31", "003_15531fa594c20b79", "004_ebcb78f7f500a636"]

P1 = "近年来，我县坚持把人才工作摆在突出位置，深入实施人才强县战略，" "人才队伍不断壮大，人才结构持续优化，人才效能明显提升。"
P2 = "今年以来，全县新引进各类人才一百余名，其中硕士研究生十二名，" "博士研究生三名，为全县高质量发展提供了坚实的人才支撑。"
P3 = "下一步，我们将继续深化人才发展体制机制改革，" "完善人才引进、培养、使用、评价和激励机制，努力营造近悦远来的良好环境。"


def gold_documents(seed: str) -> list[list[str]]:
    path = GOLD / seed
    files = sorted(path.glob("*.txt")) if path.is_dir() else [GOLD / f"{seed}.txt"]
    return [f.read_text(encoding="utf-8").split("\n")[:-1] for f in files]


def paragraphs(text: str) -> list[str]:
    """The result with the runs of blank lines stripped (the final layout step)."""
    return [line for line in text.split("\n") if line.strip()]




def unwrap(text: str, **options: object) -> tuple[str, Report]:
    return run(build(NAME, **options), text)


# -- the case file ---------------------------------------------------------------------


test_changes, test_keeps = case_tests(NAME)


# -- seeds and gold --------------------------------------------------------------------


@pytest.mark.parametrize("seed", NOT_WRAPPED)
def test_seeds_that_are_not_wrapped_stay_byte_for_byte(seed):
    text = (SAMPLES / f"{seed}.txt").read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    out, report = unwrap(text)
    assert out == text
    assert not report.edits and not report.warnings and "unwrap" not in report.facts


@pytest.mark.parametrize("path", sorted(GOLD.rglob("*.txt")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_gold_segments_pass_through(path):
    text = path.read_text(encoding="utf-8")
    out, report = unwrap(text)
    assert out == text and not report.edits


def _later_filters(line: str) -> str:
    """What whitespace and placeholders do after unwrap, for comparing with the gold."""
    return line.replace(" ", "").replace("x", "X").replace("＋", "+")


def test_seed_002_becomes_the_gold_documents():
    text = (SAMPLES / f"{SEED_002}.txt").read_text(encoding="utf-8")
    out, report = unwrap(text)
    assert out.count("\n\n\n") == 7, "two blank lines before each of the 7 later document titles"
    documents = [paragraphs(part) for part in out.split("\n\n\n")]
    assert [[_later_filters(line) for line in doc] for doc in documents] == gold_documents(SEED_002)
    assert "\n\n" not in out.replace("\n\n\n", ""), "no blank lines between paragraphs"
    assert not any(line != line.lstrip() for line in paragraphs(out)), "page-start spaces are gone"
    facts = report.facts["unwrap"]
    assert facts["measure"] == "width" and facts["wrap_width"] == 52 and facts["documents"] == 8
    assert replay(text, report) == out


def test_seed_002_joins_across_a_page_boundary():
    text = (SAMPLES / f"{SEED_002}.txt").read_text(encoding="utf-8")
    out, _ = unwrap(text)
    assert "主管部门每年复核一次" in out  # "主管部\n 门每年…": a page start that continues a sentence
    assert "\n\n\n聚力建设人才创新引领示范区\n人才是推动" in out  # " 聚力建设…": a new document


# -- re-typeset dumps ------------------------------------------------------------------

PAGE_STYLES = [
    None,
    (lambda p: f"- {p} -", "XX市人才工作材料汇编"),
    (lambda p: f"第 {p} 页 共 40 页", None),
    (str, "2023年人才工作会议材料"),
    (lambda p: f"{p}/40", None),
    (lambda p: f"— {p} —", "内部资料 注意保存"),
]


def _retypeset(seed: str, width: int, measure: str, blank: bool, style: int) -> tuple[str, list[str]]:
    gold = [line for doc in gold_documents(seed) for line in doc]
    heads = {0}
    start = 0
    for doc in gold_documents(seed):
        heads.update(start + i for i in gold_titles(doc))
        start += len(doc)
    pages = PAGE_STYLES[style]
    options: dict[str, object] = {}
    if pages:
        options = {"page_lines": 9 + width % 7, "page_number": pages[0], "header": pages[1]}
    dump = typeset(gold, width, measure=measure, blank=blank, titles=lambda i, p: i in heads, **options)
    return dump, gold


RETYPESET = [
    pytest.param(
        seed, width, measure, blank, (width + blank) % len(PAGE_STYLES),
        id=f"{seed[:3]}-{width}-{measure}-{'blank' if blank else 'dense'}",
    )
    for seed in (SEED_002, "003_15531fa594c20b79")
    for width in range(15, 46)
    for measure in ("width", "chars")
    for blank in (True, False)
]


@pytest.mark.parametrize("seed, width, measure, blank, style", RETYPESET)
def test_retypeset_gold_comes_back(seed, width, measure, blank, style):
    dump, gold = _retypeset(seed, width, measure, blank, style)
    out, report = unwrap(dump)
    assert paragraphs(out) == gold
    assert replay(dump, report) == out
    assert unwrap(out)[0] == out


@pytest.mark.parametrize("seed", ["000_ec226d4242084735", "001_ab937eb7a2cd7c31", "004_ebcb78f7f500a636"])
def test_retypeset_other_gold_mostly_comes_back(seed):
    """These hold headings and one-line paragraphs whose ends a dump cannot show (a
    heading exactly as wide as a first line, a one-sentence paragraph after a full line
    ending in 。): most paragraphs, not all, come back at every width."""
    total = found = 0
    for width in range(15, 46, 2):
        for measure in ("width", "chars"):
            dump, gold = _retypeset(seed, width, measure, True, width % len(PAGE_STYLES))
            got = set(paragraphs(unwrap(dump)[0]))
            total += len(gold)
            found += sum(1 for p in gold if p in got)
    assert found / total >= 0.95


@pytest.mark.parametrize("seed", [SEED_002, "000_ec226d4242084735"])
@pytest.mark.parametrize("columns", range(30, 92, 4))
@pytest.mark.parametrize("blank", [True, False])
def test_bench_rewrap_comes_back(seed, columns, blank):
    """The benchmark's own dump maker (cut every N display columns, quotes one column
    wide, words and numbers split, a 4-column indent, page numbers and a running header
    every 40 lines)."""
    bench = pytest.importorskip("cleaner.bench")
    gold = [line for doc in gold_documents(seed) for line in doc]
    dump = bench.rewrap(gold, columns, blank, 40, random.Random(columns))
    out, report = unwrap(dump)
    assert paragraphs(out) == gold
    assert report.facts["unwrap"]["measure"] == "narrow"


@pytest.mark.parametrize("width", range(15, 46, 3))
@pytest.mark.parametrize("blank", [True, False])
def test_documents_on_new_pages_get_two_blank_lines(width, blank):
    documents = gold_documents(SEED_002)
    dump = typeset_documents(documents, width, blank=blank)
    out, report = unwrap(dump)
    assert [part.strip("\n").split("\n") for part in out.split("\n\n\n")] == documents
    assert report.facts["unwrap"]["documents"] == len(documents)


# -- edits, artifacts, joins -----------------------------------------------------------


def test_each_join_and_each_artifact_is_one_edit():
    lines = wrap(P1, 15) + wrap(P2, 15)
    text = "\n\n".join(lines[:3]) + "\n\n- 3 -\n\n " + "\n\n".join(lines[3:]) + "\n"
    out, report = unwrap(text)
    assert out == P1 + "\n" + P2 + "\n"
    olds = [e.old for e in report.edits]
    assert "- 3 -\n" in olds
    assert all(e.new in ("", " ", "\n") for e in report.edits)
    assert all(set(e.old) <= set("\n ") for e in report.edits if e.old != "- 3 -\n")
    assert replay(text, report) == out


def test_running_header_and_page_numbers_are_reported():
    text = typeset([P1, P2, P3] * 2, 15, page_lines=5, page_number=lambda p: f"第{p}页", header="XX县人才工作材料汇编")
    out, report = unwrap(text)
    assert paragraphs(out) == [P1, P2, P3] * 2
    removed = Counter(e.old.strip() for e in report.edits if e.old.strip())
    assert removed["XX县人才工作材料汇编"] >= 3
    assert sum(1 for k in removed if re.fullmatch(r"第\d+页", k)) >= 3
    assert "XX县人才工作材料汇编" not in out and "页" not in out


def test_repeated_title_is_no_running_header():
    """000 repeats a document title: a line that never sits inside a paragraph stays."""
    title = "XX市2025年人才工作总结"
    bodies = [doc[1:3] for doc in gold_documents(SEED_002)[1:4]]
    text = "".join(typeset([title, *body], 16, titles=lambda i, p: i == 0) for body in bodies)
    out, report = unwrap(text)
    assert paragraphs(out) == [line for body in bodies for line in (title, *body)]
    assert report.facts["unwrap"]["page_artifacts"] == 0


def test_latin_words_get_one_space_and_chinese_none():
    latin = (
        "本项目基于deep learning方法开展研究，结合large language model的相关成果，"
        "在machine translation和speech recognition等领域取得了较好的实际应用效果，得到了专家的一致好评。"
    )
    text = typeset([P1, latin], 14, blank=False)
    assert "large\nlanguage" in text and "speech\nrecognition" in text
    out, report = unwrap(text)
    assert out == P1 + "\n" + latin + "\n"
    assert [e.new for e in report.edits].count(" ") == 2


def test_subtitle_and_heading_keep_their_lines():
    title, subtitle, heading = "增强农村实用人才支撑力", "跑出乡村全面振兴加速度", "一、分类评价识才"
    text = typeset([title, subtitle, P1, P3, heading, P2, P3], 16, titles=lambda i, p: i < 2)
    out, _ = unwrap(text)
    assert out == "\n".join([title, subtitle, P1, P3, heading, P2, P3]) + "\n"


# -- options ---------------------------------------------------------------------------


def test_default_profile_sets_the_class_defaults():
    data = tomllib.loads((ROOT / "profiles" / "default.toml").read_text(encoding="utf-8"))
    section = data["filters"]["unwrap"]
    defaults = Unwrap.defaults()
    assert section and all(defaults[key] == value for key, value in section.items())


def test_option_page_numbers_off_keeps_them():
    text = "\n".join(wrap(P1 + P2, 15)[:3] + ["- 3 -"] + wrap(P1 + P2, 15)[3:]) + "\n"
    assert "- 3 -" not in unwrap(text)[0]
    assert "- 3 -" in unwrap(text, page_numbers=[])[0]


def test_option_bare_page_numbers():
    text = typeset([P1, P2, P3], 15, page_lines=4, page_number=str, blank=False)
    assert paragraphs(unwrap(text)[0]) == [P1, P2, P3]
    kept = unwrap(text, bare_page_numbers=False)[0]
    assert re.search(r"^2$", kept, re.M)


def test_option_header_min_repeats():
    text = typeset([P1, P2, P3], 15, page_lines=5, header="XX县人才工作材料汇编", page_space=False)
    assert "材料汇编" not in unwrap(text)[0]
    assert "材料汇编" in unwrap(text, header_min_repeats=50)[0]


def test_single_header_next_to_a_page_number_inside_a_paragraph():
    lines = wrap(P1 + P2, 15)
    assert lines[2][-1] not in "。，、；" and len(lines[3]) >= 15
    text = "\n".join(lines[:3] + ["- 1 -", "人才工作材料汇编"] + lines[3:]) + "\n"
    out, report = unwrap(text)
    assert out == P1 + P2 + "\n"
    assert "人才工作材料汇编\n" in [e.old for e in report.edits]


def test_option_blank_line_paragraphs():
    """Blank lines between some lines only mark paragraphs; without that, a full line
    ending in 。 before a full line (no lost indent) is a join."""
    a, b = P1[:44] + "。", P2[:44] + "。"
    parts = [wrap(p, 15, indent=0, measure="chars", kinsoku=False) for p in (a, b, P3)]
    text = "\n\n".join("\n".join(lines) for lines in parts) + "\n"
    assert paragraphs(unwrap(text)[0]) == [a, b, P3]
    assert paragraphs(unwrap(text, blank_line_paragraphs=False)[0]) == [a + b + P3]


def test_option_min_share_turns_detection_off():
    text = typeset([P1, P2], 16)
    out, report = unwrap(text, min_share=1.0)
    assert out == text and not report.edits


def test_option_measure_width_on_a_dump_cut_by_characters():
    numbers = "本项目共投入XXXX万元，带动XXX家企业，引进XX名高层次人才，新增就业XXXX人，取得了较好的经济效益和社会效益。"
    text = typeset([P1, numbers, P2], 16, measure="chars", blank=False)
    assert unwrap(text, measure="chars")[1].facts["unwrap"]["measure"] == "chars"
    assert unwrap(text)[1].facts["unwrap"]["measure"] == "chars", "auto picks the sharper mode"


def test_a_result_that_still_looks_wrapped_is_left_alone(monkeypatch):
    flt = build(NAME)
    text = typeset([P1, P2], 16)
    monkeypatch.setattr(flt, "is_wrapped", lambda _text: True)
    out, report = run(flt, text)
    assert out == text and not report.edits
    assert report.warnings and "hard-wrapped" in report.warnings[0]


# -- properties ------------------------------------------------------------------------

GOLD_PARAGRAPHS = [line for seed in [SEED_002, *NOT_WRAPPED] for doc in gold_documents(seed) for line in doc]
ALPHABET = "人才工作发展创新。，、；：“”（）！？ \n\n\n　abcXYZ0123456789-—第页共/"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    picks=st.lists(st.sampled_from(GOLD_PARAGRAPHS), min_size=1, max_size=8),
    width=st.integers(min_value=12, max_value=48),
    measure=st.sampled_from(["width", "chars"]),
    blank=st.booleans(),
    style=st.integers(min_value=0, max_value=len(PAGE_STYLES) - 1),
    kinsoku=st.booleans(),
)
def test_dumps_idempotent_and_accounted(picks, width, measure, blank, style, kinsoku):
    pages = PAGE_STYLES[style]
    options: dict[str, object] = {}
    if pages:
        options = {"page_lines": 5 + width % 9, "page_number": pages[0], "header": pages[1]}
    text = typeset(picks, width, measure=measure, blank=blank, kinsoku=kinsoku, **options)
    out, report = unwrap(text)
    assert replay(text, report) == out
    check_han_accounted(text, out, report)
    again, second = unwrap(out)
    assert again == out and not second.edits


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=400))
def test_any_text_idempotent_and_accounted(text):
    out, report = unwrap(text)
    assert replay(text, report) == out
    check_han_accounted(text, out, report)
    assert unwrap(out)[0] == out


_CHARS = st.sampled_from(list("人才工作发展创新县市一二三第页") + list("。，、；：“”（）！？") + list("abX019- /　 "))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(st.lists(_CHARS, max_size=40).map("".join), min_size=3, max_size=40),
    seps=st.lists(st.sampled_from(["\n", "\n\n", "\n ", "\n\n\n"]), min_size=40, max_size=40),
    width=st.integers(min_value=8, max_value=30),
)
def test_line_soup_idempotent_and_accounted(lines, seps, width):
    """Lines mostly cut to one width, of arbitrary characters: the wrapped path runs."""
    lines = [(line * 3)[:width] if i % 4 else line for i, line in enumerate(lines)]
    text = "".join(line + seps[i] for i, line in enumerate(lines))
    out, report = unwrap(text)
    assert replay(text, report) == out
    check_han_accounted(text, out, report)
    assert unwrap(out)[0] == out


# -- fast paths (each must change nothing the full path would do) ----------------------


def _ambiguous_reference(line: str) -> int:
    return sum(1 for ch in line if "\u2000" <= ch <= "\u2e7f")


@pytest.mark.parametrize("measure", ["chars", "width", "narrow"])
def test_lengths_match_their_definition(measure):
    """Line lengths are measured in bulk (UTF-8 lead bytes for the narrow count, unless
    radicals of U+2E80-U+2FFF share that lead byte): the same as character by character."""
    texts = [
        "近年来，我县“坚持”把人才——工作……摆在",
        "abc 123 def",
        "⺀部首⼀与“引号”同在",  # radicals: counted by character
        "𠀀扩展B区的字与emoji😀",
        "é·ü“”",
        "\u2000\u2e7f\u2e80\u2fff",
    ]
    for chosen in (texts, texts[:2], [t for t in texts if not re.search("[\u2e80-\u2fff]", t)]):
        got = Unwrap.lengths(chosen, measure)
        for line, value in zip(chosen, got):
            width = (len(line.encode()) + len(line)) // 2
            expected = {"chars": len(line), "width": width, "narrow": width - _ambiguous_reference(line)}[measure]
            assert value == expected, line


def test_long_lines_made_of_white_space_do_not_reject_a_wrapped_text():
    """Clean text is rejected by its long lines before anything else; a line is long by
    its text, not by the white space around it."""
    lines = wrap(P1 + P2 + P3, 15)
    padded = [line + " " * 200 if i % 2 else "\u3000" * 130 + line for i, line in enumerate(lines[:-1])]
    text = "\n".join(padded + lines[-1:]) + "\n"  # (white space after the last line stays)
    out, report = unwrap(text)
    assert out == P1 + P2 + P3 + "\n"
    assert replay(text, report) == out


def test_blank_lines_holding_white_space_are_replaced_with_the_break():
    lines = wrap(P1, 15) + wrap(P2, 15)
    text = "\n \n".join(lines[:4]) + "\n\t\n\n" + "\n\u3000\n".join(lines[4:]) + "\n"
    out, report = unwrap(text)
    assert out == P1 + "\n" + P2 + "\n"
    assert replay(text, report) == out
    assert any("\t" in e.old for e in report.edits) and any("\u3000" in e.old for e in report.edits)


def test_page_number_patterns_of_a_profile_are_tried_on_every_line():
    """The default patterns are tried only on lines whose first character can start
    one; a profile's own patterns on all."""
    lines = wrap(P1 + P2, 15)
    text = "\n".join(lines[:3] + ["[3]"] + lines[3:]) + "\n"
    assert "[3]" in unwrap(text)[0]
    assert unwrap(text, page_numbers=[r"\[\d+\]"])[0] == P1 + P2 + "\n"


def test_heading_pattern_of_a_profile_is_tried_on_every_line():
    heading = "甲．工作开展情况"
    text = typeset([P1, heading, P2], 16, titles=lambda i, p: i == 1)
    out = unwrap(text, heading_pattern=r"[甲乙丙丁][．.]")[0]
    assert paragraphs(out) == [P1, heading, P2]
