"""数据 figures: tiles of numbers: what staff enter, and today's counts unless ``auto: 否``."""

from __future__ import annotations

from signage.core import schedule
from signage.core.model import Listing
from signage.parse.playlists import as_text
from signage.render import layout, slides

from .registry import Field, Kind, register

MAX_FIGURES = 6


def counts(listings: tuple[Listing, ...]) -> tuple[tuple[str, str], ...]:
    """What today's content says about the station: listings, employers, people wanted, pay."""
    employers = {x.employer for x in listings if x.employer}
    heads = sum(x.headcount or 0 for x in listings)
    out = [("今日在招岗位", f"{len(listings)} 个"), ("招聘单位", f"{len(employers)} 家")]
    if heads:
        out.append(("招聘人数", f"{heads} 人"))
    by_settlement: dict = {}
    for x in listings:
        if x.settlement is not None:
            by_settlement[x.settlement] = by_settlement.get(x.settlement, 0) + 1
    out += [(f"{s.zh}岗位", f"{c} 个") for s, c in sorted(by_settlement.items(), key=lambda kv: -kv[1])]
    return tuple(out)


def parse(inp) -> dict:
    out: dict = {"title": inp.title or "驿站数据"}
    figs = inp.value("figures") or {}
    if isinstance(figs, dict):
        out["details"] = tuple((str(k), as_text(v)) for k, v in figs.items())
    else:
        inp.problem("figures", "“数字”应写成“名称: 数值”的列表，例如 本月帮助就业: 37 人",
                    "'figures' should be name: value pairs, e.g. 'placed this month: 37'")
    out["auto_figures"] = inp.value("auto") not in (False, "否", "no", "false")
    return out


def expand(spec, ctx: schedule.Expansion) -> list:
    """Staff's figures first kept, today's counts in the tiles left (six at most)."""
    staff = spec.details[:MAX_FIGURES]
    auto = counts(ctx.current)[:MAX_FIGURES - len(staff)] if spec.auto_figures else ()
    details = auto + staff
    return [schedule.spec_slide(spec, ctx, seconds=10.0 + len(details), details=details)]


def draw(slide, page: layout.Page) -> list:
    return slides.figures(slide, page.m, page.theme, page.fonts)


KIND = register(Kind("figures", draw, aliases=("数据", "成绩"),
                     fields=(Field("figures", ("数字",)), Field("auto", ("自动",), True)),
                     parse=parse, expand=expand))
