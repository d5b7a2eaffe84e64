"""cleaner: turn messy Chinese documents into clean, normalized, one-document-per-file text.

>>> from cleaner import clean
>>> result = clean("标题\\n正文 ,内容。")
>>> [s.title for s in result.segments]
['标题']
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from cleaner.core import Edit, Report, Segment
from cleaner.filters.decode import NotText
from cleaner.pipeline import Cleaner, Result
from cleaner.profile import Profile, ProfileError, load_profile

__version__ = "0.1.0"


@lru_cache(maxsize=8)
def _cached(profile: str | None) -> Cleaner:
    return Cleaner(profile)


def clean(text: str | bytes, profile: str | Path | Profile | Cleaner | None = None) -> Result:
    """Clean one document (``str``, or ``bytes`` decoded as the CLI decodes files).

    ``profile`` is a built-in profile name, a profile path, a loaded :class:`Profile`
    or a ready :class:`Cleaner`; ``None`` uses the default profile. No file is touched.
    """
    if isinstance(profile, Cleaner):
        cleaner = profile
    elif isinstance(profile, Profile):
        cleaner = Cleaner(profile)
    else:
        cleaner = _cached(None if profile is None else str(profile))
    return cleaner.clean(text)


__all__ = [
    "Cleaner",
    "Edit",
    "NotText",
    "Profile",
    "ProfileError",
    "Report",
    "Result",
    "Segment",
    "clean",
    "load_profile",
    "__version__",
]
