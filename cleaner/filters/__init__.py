"""The filter name table: the names profiles and the audit trail use, and where each
filter lives. Modules are imported on first use, so a profile that leaves out
``script`` never loads OpenCC.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cleaner.core import Filter

FILTERS: dict[str, str] = {
    "decode": "cleaner.filters.decode:Decode",
    "hygiene": "cleaner.filters.hygiene:Hygiene",
    "markers": "cleaner.filters.markers:Markers",
    "boilerplate": "cleaner.filters.boilerplate:Boilerplate",
    "unwrap": "cleaner.filters.unwrap:Unwrap",
    "whitespace": "cleaner.filters.whitespace:Whitespace",
    "punctuation": "cleaner.filters.punctuation:Punctuation",
    "placeholders": "cleaner.filters.placeholders:Placeholders",
    "obfuscation": "cleaner.filters.obfuscation:Obfuscation",
    "script": "cleaner.filters.script:Script",
    "segment": "cleaner.filters.segment:Segment",
}


def filter_class(name: str) -> type[Filter]:
    """The class registered under ``name`` (KeyError for an unknown name)."""
    module, _, attr = FILTERS[name].partition(":")
    return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]
