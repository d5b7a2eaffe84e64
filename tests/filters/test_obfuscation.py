"""obfuscation: SPEC §3.9 cases, the rule table, reported spans and properties."""
from __future__ import annotations

import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.filters.obfuscation import DEFAULT_RULES, Obfuscation
from cleaner.profile import ProfileError, load_profile
from tests.filters.casefile import ROOT, build, case_tests, check_han_accounted, check_stable, run, spans

NAME = "obfuscation"


test_changes, test_keeps = case_tests(NAME)


def test_default_profile_table_equals_the_class_defaults():
    data = tomllib.loads((ROOT / "profiles" / "default.toml").read_text(encoding="utf-8"))
    assert data["filters"][NAME]["rules"] == DEFAULT_RULES
    assert Obfuscation.defaults()["rules"] == DEFAULT_RULES


def test_placeholders_then_obfuscation_give_the_spec_example():
    text = "xD人才〔xxxx〕x号"
    mid, _ = run(build("placeholders"), text)
    out, report = run(build(NAME), mid)
    assert out == "X党人才〔XXXX〕X号"
    assert spans(report) == [(1, 2, "D", "党")]


def test_spans_are_reported():
    out, report = run(build(NAME), "在D的领导下，加入AAA群")
    assert out == "在党的领导下，加入微信群"
    assert spans(report) == [(1, 2, "D", "党"), (9, 12, "AAA", "微信")]
    assert report.changes[NAME] == 2


def test_user_rules_with_templates_and_unless():
    rules = [
        {"pattern": r"(?i:gcd)(?=员)", "replacement": "共产党", "unless": ["(?<=非)"]},
        {"pattern": r"Z(F)(?=部门)", "replacement": r"政府\1"},
    ]
    out, _ = run(build(NAME, rules=rules), "GCD员和非gcd员，ZF部门")
    assert out == "共产党员和非gcd员，政府F部门"


def test_a_blocked_rule_lets_a_later_rule_match_at_the_same_place():
    rules = [
        {"pattern": "AB", "replacement": "甲", "unless": ["AB(?=C)"]},
        {"pattern": "ABC", "replacement": "乙"},
    ]
    out, _ = run(build(NAME, rules=rules), "AB ABC")
    assert out == "甲 乙"


def test_rules_that_cannot_be_joined_still_run_in_one_pass():
    rules = [
        {"pattern": "(?x) D (?=委)", "replacement": "党"},
        {"pattern": "(?i)aaa(?=群)", "replacement": "微信"},
    ]
    flt = build(NAME, rules=rules)
    assert flt._combined is None
    text = "AAA群和D委，d委"
    out, report = run(flt, text)
    assert out == "微信群和党委，d委"
    assert [(e.start, e.end) for e in report.edits] == [(0, 3), (5, 6)]


def test_profile_checks_the_rule_table(tmp_path):
    p = tmp_path / "p.toml"
    p.write_text('extends = "default"\n[[filters.obfuscation.rules]]\npattern = "D("\nreplacement = "党"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="pattern"):
        load_profile(p)
    p.write_text('extends = "default"\n[[filters.obfuscation.rules]]\npattern = "D"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="replacement"):
        load_profile(p)




ALPHABET = st.sampled_from(
    list("DDDAAxX3维生素委组的对级类轮人才〔〕［］、，,和号群公众 \n")
    + ["AAA", "公众号", "维生素", "中央", "对应", "A、", "C组、", "2023", "XX"]
)
TEXT = st.lists(ALPHABET, max_size=40).map("".join)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_properties(text):
    out, report = check_stable(build(NAME), text)
    check_han_accounted(text, out, report)
