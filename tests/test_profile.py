"""Profiles: loading, extends, list edits, and clear errors for every kind of mistake."""
from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.profile import ProfileError, builtin_names, load_profile


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_default_loads_with_the_spec_chain():
    prof = load_profile("default")
    assert prof.chain == (
        "decode", "hygiene", "markers", "boilerplate", "unwrap", "whitespace",
        "punctuation", "placeholders", "obfuscation", "script", "segment",
    )
    assert "default" in builtin_names()
    assert load_profile(None).chain == prof.chain


def test_extends_a_builtin_and_overrides(tmp_path):
    p = write(tmp_path / "mine.toml", 'extends = "default"\n[filters.decode]\nencodings = ["big5"]\n')
    prof = load_profile(str(p))
    assert prof.chain == load_profile("default").chain
    assert prof.options["decode"]["encodings"] == ["big5"]
    assert prof.lineage[-1] == str(p.resolve())


def test_list_add_and_remove(tmp_path):
    write(tmp_path / "base.toml", 'chain = ["decode"]\n[filters.decode]\nencodings = ["gb18030", "big5"]\n')
    child = write(
        tmp_path / "child.toml",
        'extends = "base.toml"\n[filters.decode]\nencodings.add = ["utf_16"]\nencodings.remove = ["big5"]\n',
    )
    assert load_profile(str(child)).options["decode"]["encodings"] == ["gb18030", "utf_16"]


def test_extends_path_is_relative_to_the_extending_file(tmp_path, monkeypatch):
    sub = tmp_path / "sub"
    sub.mkdir()
    write(sub / "base.toml", 'chain = ["decode"]\n')
    write(sub / "child.toml", 'extends = "base.toml"\n')
    monkeypatch.chdir(tmp_path)
    assert load_profile("sub/child.toml").chain == ("decode",)


@pytest.mark.parametrize(
    "text, key, words",
    [
        ('chain = ["decode", "nosuch"]\n', "chain[1]", "unknown filter 'nosuch'"),
        ('chain = ["decode"]\ncolour = 1\n', "colour", "unknown key; allowed"),
        ('chain = ["decode"]\n[filters.decode]\nspeed = 3\n', "filters.decode.speed", "unknown option; options of decode: encodings"),
        ('chain = ["decode"]\n[filters.decode]\nencodings = "gb18030"\n', "filters.decode.encodings", "must be a list of strings, not a string"),
        ('chain = ["decode"]\n[filters.decode]\nmax_invalid_utf8 = "a lot"\n', "filters.decode.max_invalid_utf8", "must be a number"),
        ('chain = ["decode"]\n[filters.decode]\nmax_invalid_utf8 = 2.0\n', "filters.decode.max_invalid_utf8", "<= 1"),
        ('chain = ["decode"]\n[filters.nosuch]\n', "filters.nosuch", "unknown filter; filters: decode"),
        ('chain = ["hygiene"]\n', "chain", "must start with 'decode'"),
        ('chain = ["decode", "decode"]\n', "chain", "more than once"),
        ('chain = "decode"\n', "chain", "must be a list"),
        ('max_passes = 0\nchain = ["decode"]\n', "max_passes", "from 1 to 10"),
        ('description = "no chain"\n', "chain", "no chain"),
        ('chain = ["decode"\n', None, "not valid TOML"),
        ('chain = ["decode"]\n[filters.decode]\nencodings = {append = ["x"]}\n', "filters.decode.encodings", "'add' and/or 'remove'"),
    ],
)
def test_bad_profiles_name_file_key_and_allowed_values(tmp_path, text, key, words):
    p = write(tmp_path / "bad.toml", text)
    with pytest.raises(ProfileError) as info:
        load_profile(str(p))
    err = info.value
    assert err.source == str(p.resolve())
    assert err.key == key
    assert words in str(err)
    assert str(p.resolve()) in str(err)


def test_missing_file_and_unknown_builtin(tmp_path):
    with pytest.raises(ProfileError, match="profile file not found"):
        load_profile(str(tmp_path / "absent.toml"))
    with pytest.raises(ProfileError, match="no built-in profile of that name; built-in profiles: .*default"):
        load_profile("nosuchprofile")


def test_cycles_are_refused(tmp_path):
    write(tmp_path / "a.toml", 'extends = "b.toml"\n')
    write(tmp_path / "b.toml", 'extends = "a.toml"\n')
    with pytest.raises(ProfileError, match="cycle: .*a.toml -> .*b.toml -> .*a.toml"):
        load_profile(str(tmp_path / "a.toml"))


def test_self_extension_is_a_cycle(tmp_path):
    write(tmp_path / "me.toml", 'extends = "me.toml"\nchain = ["decode"]\n')
    with pytest.raises(ProfileError, match="cycle"):
        load_profile(str(tmp_path / "me.toml"))


def test_bad_file_in_the_middle_of_a_lineage_is_named(tmp_path):
    write(tmp_path / "base.toml", 'chain = ["decode"]\n[filters.decode]\nwhat = 1\n')
    child = write(tmp_path / "child.toml", 'extends = "base.toml"\n')
    with pytest.raises(ProfileError) as info:
        load_profile(str(child))
    assert info.value.source.endswith("base.toml")
    assert info.value.key == "filters.decode.what"


@pytest.mark.parametrize(
    "section, key",
    [
        ('[[filters.obfuscation.rules]]\nname = "r"\npattern = "D(?=委"\nreplacement = "党"\n', "filters.obfuscation.rules[0].pattern"),
        ('[filters.placeholders]\nexceptions = ["X(光"]\n', "filters.placeholders.exceptions[0]"),
    ],
)
def test_bad_regex_in_a_rule_table_is_named(tmp_path, section, key):
    p = write(tmp_path / "bad.toml", 'extends = "default"\n' + section)
    with pytest.raises(ProfileError) as info:
        load_profile(str(p))
    assert info.value.key == key
    assert "not a valid regular expression" in str(info.value)


@pytest.mark.parametrize("name", builtin_names())
def test_builtin_profiles_pass_every_check_including_their_patterns(tmp_path, name):
    """Built-in profiles skip compiling their patterns at start-up; this is where
    they are checked: the same text loaded as a user's file gets every check."""
    from cleaner.profile import builtin_text

    copy = write(tmp_path / f"{name}.toml", builtin_text(name))
    assert load_profile(str(copy)).chain == load_profile(name).chain


def test_bad_pattern_in_a_user_profile_is_still_refused_at_load(tmp_path):
    p = write(tmp_path / "bad.toml", 'extends = "default"\n[filters.markers]\nnotices = ["(unclosed"]\n')
    with pytest.raises(ProfileError) as info:
        load_profile(str(p))
    assert info.value.key == "filters.markers.notices[0]"
