"""Profiles: which filters run, in what order, with which options and rule tables.

A profile is a TOML file::

    description = "what this profile is for"
    extends = "default"          # a built-in name, or a path relative to this file
    chain = ["decode", "hygiene", ...]
    max_passes = 3               # the chain reruns until the text settles, at most this often

    [filters.boilerplate]
    brands.add = ["某某文库"]     # extend an inherited list (``.remove`` takes items out)
    min_share = 0.5              # or replace a value

Every file is checked as it is read; a mistake raises :class:`ProfileError` naming
the file, the key and what is allowed there.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import regex

from cleaner.core import Option, merge_list
from cleaner.filters import FILTERS, filter_class

DEFAULT_PROFILE = "default"
TOP_KEYS = {"description": str, "extends": str, "chain": list, "max_passes": int}


class ProfileError(Exception):
    """A profile that cannot be used. ``str()`` is the message for the user."""

    def __init__(self, source: str, key: str | None, message: str) -> None:
        self.source, self.key, self.message = source, key, message
        where = f"{source}: {key}" if key else source
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Profile:
    """A resolved profile: the chain and every filter's complete options."""

    name: str
    source: str
    description: str
    chain: tuple[str, ...]
    options: Mapping[str, Mapping[str, Any]]
    max_passes: int = 3
    lineage: tuple[str, ...] = field(default=())

    def filter_options(self, name: str) -> dict[str, Any]:
        return dict(self.options.get(name, {}))


def builtin_names() -> list[str]:
    """Names of the profiles shipped with the package."""
    return sorted(p.name[:-5] for p in resources.files("cleaner.profiles").iterdir() if p.name.endswith(".toml"))


def builtin_text(name: str) -> str:
    if name not in builtin_names():
        raise ProfileError(name, None, f"no built-in profile of that name; built-in profiles: {', '.join(builtin_names())}")
    return resources.files("cleaner.profiles").joinpath(f"{name}.toml").read_text(encoding="utf-8")


def _is_path(ref: str) -> bool:
    return ref.endswith(".toml") or "/" in ref or "\\" in ref


def load_profile(ref: str | Path | None = None) -> Profile:
    """Load a profile by built-in name or by path; ``None`` means the default profile."""
    ref = DEFAULT_PROFILE if ref is None else ref
    raw = _load_raw(str(ref), base=Path.cwd(), stack=())
    return _resolve(raw)


# --- reading -----------------------------------------------------------------


@dataclass
class _Raw:
    source: str
    description: str
    chain: list[str] | None
    max_passes: int | None
    filters: dict[str, dict[str, Any]]
    parent: _Raw | None
    name: str


def _load_raw(ref: str, base: Path, stack: tuple[str, ...]) -> _Raw:
    if isinstance(ref, str) and not _is_path(ref):
        source = f"<built-in profile {ref}>"
        key = f"builtin:{ref}"
        text = builtin_text(ref)
        here = None
        name = ref
    else:
        path = (base / ref).resolve()
        source = str(path)
        key = source
        name = path.stem
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ProfileError(str(ref), None, "profile file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ProfileError(str(ref), None, f"cannot read the profile: {exc}") from None
        here = path.parent
    if key in stack:
        cycle = " -> ".join([*stack, key])
        raise ProfileError(source, "extends", f"profiles extend each other in a cycle: {cycle}")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(source, None, f"not valid TOML: {exc}") from None
    _check_top(source, data)
    parent = None
    if "extends" in data:
        parent_ref = data["extends"]
        parent_base = here if here is not None else Path.cwd()
        if here is None and _is_path(parent_ref):
            raise ProfileError(source, "extends", "a built-in profile can only extend another built-in profile")
        parent = _load_raw(parent_ref, parent_base, (*stack, key))
    filters = data.get("filters", {})
    for fname, opts in filters.items():
        # A built-in profile's patterns are compiled by the tests, not at every start.
        _check_filter_options(source, fname, opts, check_patterns=here is not None)
    return _Raw(
        source=source,
        description=data.get("description", ""),
        chain=data.get("chain"),
        max_passes=data.get("max_passes"),
        filters=filters,
        parent=parent,
        name=name,
    )


def _check_top(source: str, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if key == "filters":
            if not isinstance(value, dict):
                raise ProfileError(source, "filters", "must be a table of [filters.NAME] sections")
            continue
        if key not in TOP_KEYS:
            allowed = ", ".join(sorted([*TOP_KEYS, "filters"]))
            raise ProfileError(source, key, f"unknown key; allowed: {allowed}")
        want = TOP_KEYS[key]
        if not isinstance(value, want) or isinstance(value, bool):
            raise ProfileError(source, key, f"must be {_TYPE_WORDS[want]}, not {_tname(value)}")
    if "chain" in data:
        chain = data["chain"]
        for i, name in enumerate(chain):
            if not isinstance(name, str) or name not in FILTERS:
                raise ProfileError(source, f"chain[{i}]", f"unknown filter {name!r}; filters: {', '.join(FILTERS)}")
        if len(set(chain)) != len(chain):
            raise ProfileError(source, "chain", "names a filter more than once")
        if chain and chain[0] != "decode" or not chain:
            raise ProfileError(source, "chain", "must start with 'decode' (every input is decoded first)")
        if "segment" in chain and chain[-1] != "segment":
            raise ProfileError(source, "chain", "'segment' must be the last filter")
    if "max_passes" in data and not 1 <= data["max_passes"] <= 10:
        raise ProfileError(source, "max_passes", "must be an integer from 1 to 10")


_TYPE_WORDS = {bool: "true or false", int: "an integer", float: "a number", str: "a string", list: "a list", dict: "a table"}


def _tname(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list", dict: "a table"}.get(
        type(value), type(value).__name__
    )


def _check_filter_options(source: str, fname: str, opts: Any, check_patterns: bool) -> None:
    if fname not in FILTERS:
        raise ProfileError(source, f"filters.{fname}", f"unknown filter; filters: {', '.join(FILTERS)}")
    if not isinstance(opts, dict):
        raise ProfileError(source, f"filters.{fname}", "must be a table of options")
    table = {o.name: o for o in filter_class(fname).options}
    for key, value in opts.items():
        where = f"filters.{fname}.{key}"
        if key not in table:
            allowed = ", ".join(table) or "(this filter has no options)"
            raise ProfileError(source, where, f"unknown option; options of {fname}: {allowed}")
        option = table[key]
        if option.type is list and isinstance(value, dict):
            extra = set(value) - {"add", "remove"}
            if extra:
                raise ProfileError(source, where, f"a list option takes a list, or a table with 'add' and/or 'remove'; not {sorted(extra)}")
            for op, items in value.items():
                _check_value(source, f"{where}.{op}", option, items, check_patterns)
        else:
            _check_value(source, where, option, value, check_patterns)


def _check_value(source: str, where: str, option: Option, value: Any, check_patterns: bool) -> None:
    def bad(msg: str | None = None) -> ProfileError:
        return ProfileError(source, where, msg or f"must be {option.describe_type()}, not {_tname(value)}")

    if option.type is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad()
    elif option.type is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad()
    elif not isinstance(value, option.type):
        raise bad()
    if option.type in (int, float):
        if option.minimum is not None and value < option.minimum or option.maximum is not None and value > option.maximum:
            raise bad()
    if option.choices and value not in option.choices:
        raise bad(f"must be {option.describe_type()}, not {value!r}")
    if option.type is str and option.regex:
        _check_regex(source, where, value, check_patterns)
    if option.type is list:
        for i, item in enumerate(value):
            here = f"{where}[{i}]"
            if option.columns is None:
                if not isinstance(item, str):
                    raise ProfileError(source, here, f"must be a string, not {_tname(item)}")
                if option.regex:
                    _check_regex(source, here, item, check_patterns)
                continue
            if not isinstance(item, dict):
                raise ProfileError(source, here, f"must be a table with keys {', '.join(option.columns)}")
            for col, (ctype, required) in option.columns.items():
                if required and col not in item:
                    raise ProfileError(source, here, f"missing key {col!r}; keys: {', '.join(option.columns)}")
            for col, cval in item.items():
                if col not in option.columns:
                    raise ProfileError(source, f"{here}.{col}", f"unknown key; keys: {', '.join(option.columns)}")
                ctype = option.columns[col][0]
                ok = isinstance(cval, ctype) and not (ctype is not bool and isinstance(cval, bool))
                if ctype is list and ok:
                    ok = all(isinstance(x, str) for x in cval)
                if not ok:
                    words = "a list of strings" if ctype is list else _TYPE_WORDS[ctype]
                    raise ProfileError(source, f"{here}.{col}", f"must be {words}, not {_tname(cval)}")
                if col in option.regex_columns:
                    for j, pat in enumerate(cval if isinstance(cval, list) else [cval]):
                        _check_regex(source, f"{here}.{col}" + (f"[{j}]" if isinstance(cval, list) else ""), pat, check_patterns)


def _check_regex(source: str, where: str, pattern: str, check: bool) -> None:
    """A pattern that does not compile is a profile error (when ``check``: the built-in
    profiles' patterns are compiled by the tests instead of at every start)."""
    if not check:
        return
    try:
        regex.compile(pattern)
    except regex.error as exc:
        raise ProfileError(source, where, f"not a valid regular expression: {exc}") from None


# --- merging -----------------------------------------------------------------


def _resolve(raw: _Raw) -> Profile:
    lineage: list[_Raw] = []
    node: _Raw | None = raw
    while node is not None:
        lineage.append(node)
        node = node.parent
    lineage.reverse()  # root first
    chain: list[str] | None = None
    max_passes = 3
    merged: dict[str, dict[str, Any]] = {}
    for layer in lineage:
        if layer.chain is not None:
            chain = list(layer.chain)
        if layer.max_passes is not None:
            max_passes = layer.max_passes
        for fname, opts in layer.filters.items():
            current = merged.setdefault(fname, filter_class(fname).defaults())
            for key, value in opts.items():
                if isinstance(value, dict):
                    current[key] = merge_list(list(current[key]), value)
                else:
                    current[key] = value
    if chain is None:
        raise ProfileError(raw.source, "chain", "no chain: set one, or extend a profile that has one")
    options = {name: merged.get(name) or filter_class(name).defaults() for name in chain}
    return Profile(
        name=raw.name,
        source=raw.source,
        description=raw.description,
        chain=tuple(chain),
        options=options,
        max_passes=max_passes,
        lineage=tuple(layer.source for layer in lineage),
    )
