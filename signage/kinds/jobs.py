"""招聘 jobs: the listings as job cards, page after page, shared out between the screens.

Filters (all that are given must hold; a list means any of): tags, settlement, where (a
part of the place), employer; ``sort``; ``cards`` per page. The cards' layout is
``render.layout`` (this kind only calls it).
"""

from __future__ import annotations

from signage.core import schedule
from signage.core.model import Severity
from signage.parse.normalise import parse_settlement
from signage.parse.playlists import SORT_ALIASES, JobFilter
from signage.render import layout

from .registry import Field, Kind, register

WHERE = Field("where", ("地点", "place"))  # shared with live: where it is


def parse(inp) -> dict:
    settlements = []
    for s in inp.strings("settlement"):
        parsed = parse_settlement(s)
        if parsed is None:
            inp.problem("settlement", f"不认识的结算方式“{s}”，已忽略", f"unknown settlement '{s}' ignored",
                        Severity.WARNING)
        else:
            settlements.append(parsed)
    out: dict[str, object] = {"filter": JobFilter(inp.strings("tags"), tuple(settlements), inp.strings("where"),
                               inp.strings("employer"))}
    written = inp.value("sort")
    sort = SORT_ALIASES.get(inp.text_of("sort").lower()) if written else ""
    if sort is None:
        inp.problem("sort", f"不认识的排序“{written}”，可以写 最新、工资、截止、岗位",
                    f"unknown sort '{written}'; use newest, pay, expires or title", Severity.WARNING)
        sort = ""
    out["sort"] = sort
    if "cards" in inp.written:
        out["cards"] = inp.cards()
    return out


def expand(spec, ctx: schedule.Expansion) -> list:
    """This screen's share of the pages of the listings the spec picks, in its order."""
    playlist, programme = ctx.playlist, ctx.programme
    cards = spec.cards or (playlist.cards if playlist else None) or programme.cards_per_page
    if cards or programme.pager is None:  # 0: auto, as many as the pager finds fit
        cards = max(1, min(cards or 2, ctx.max_cards, 3 if programme.portrait else 4))
    chosen = schedule.sort_listings(tuple(x for x in ctx.current if spec.filter.matches(x)), spec.sort)
    return schedule.share_pages(chosen, cards, spec.seconds or ctx.page_seconds, ctx.theme, ctx.screen,
                                programme.pager)


def draw(slide, page: layout.Page) -> list:
    return layout.job_page(slide, page)


KIND = register(Kind(
    "jobs", draw, aliases=("招聘", "岗位", "job"),
    fields=(WHERE, Field("tags", ("标签", "tag")), Field("settlement", ("结算方式", "结算")),
            Field("employer", ("单位",)), Field("sort", ("排序",)), Field("cards", ("每页",))),
    parse=parse, expand=expand,
))
