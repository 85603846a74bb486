"""Pictures dropped in the folder: a poster of their own, or a listing's picture, vetted.

The rule for whether a picture may be shown lives in :mod:`signage.parse.images`;
this module applies it to what the drop folder reads.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from signage.core.model import Location, Poster, Problem, Severity, SourceResult
from signage.parse.images import Refused, header_problem, vet


def load_image(path: Path, key: str, data: bytes) -> SourceResult:
    """An image dropped in the folder on its own: a poster, or refused with a message."""
    problem = header_problem(data)
    if problem is not None:
        return SourceResult(key, problems=(Problem(Location(key), problem.zh, problem.en),), ok=False)
    st = os.stat(path)
    poster = Poster(id=f"poster:{key}", image=str(path.resolve()), origin=Location(key),
                    version=f"{st.st_size}-{st.st_mtime_ns}-{st.st_ino}")
    return SourceResult(key, posters=(poster,))


def vet_pictures(result: SourceResult, root: str | Path) -> SourceResult:
    """The listings of ``result`` with their pictures vetted (and their identity noted).

    A picture that may not be shown is dropped from its listing, which still shows,
    and a warning names the file, the listing's line and the picture.
    """
    if not any(x.image for x in result.listings):
        return result
    listings, problems = [], []
    for listing in result.listings:
        if image := listing.image:
            try:
                picture = vet(image, inside=root)
                listing = replace(listing, image=picture.path, image_version=picture.version)
            except Refused as refused:
                name = os.path.basename(image)
                problems.append(Problem(
                    listing.origin, f"“{listing.title}”的图片（图片：{name}）没有显示：{refused.zh}",
                    f"{_PICTURE_OF}{name}) of '{listing.title}' not shown: {refused.en}",
                    Severity.WARNING))
                listing = replace(listing, image=None, image_version="")
        listings.append(listing)
    return replace(result, listings=tuple(listings), problems=result.problems + tuple(problems))


_PICTURE_OF = "picture (image: "


def names_pictures(result: SourceResult) -> bool:
    """Whether a listing of ``result`` names a picture (shown or refused): when a picture file
    changes, such a file is read again, so the new picture (or its refusal) shows."""
    return (any(x.image for x in result.listings)
            or any(p.en.startswith(_PICTURE_OF) for p in result.problems))
