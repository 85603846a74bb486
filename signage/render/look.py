"""How this station's pages are cut and drawn at a size: the one place settings become a
programme (the pager included) and a page style.

The player's screens, ``signage render``, the ``_预览/`` folder and the staff page's
preview all draw pages. Built here from the same settings, a preview pages exactly as a
screen of that size would (the pager measures cards with the real fonts: a long pay or
phone gives a page fewer cards) and shows the same language and logo.
"""

from __future__ import annotations

from dataclasses import dataclass

from signage.core import schedule
from signage.core.settings import Settings

from . import assets, pages, themes
from .fonts import Fonts
from .layout import Pager, cards_per_page


@dataclass(frozen=True)
class Look:
    programme: schedule.Programme
    style: pages.PageStyle


def look(settings: Settings, fonts: Fonts, size: tuple[int, int], theme: str | None = None) -> Look:
    """Pages of ``size`` (logical: as the viewer sees them); ``theme`` forces one (``render --theme``)."""
    w, h = size
    cards = cards_per_page(w, h, themes.get(theme or settings.theme), settings.cards_per_page)
    # cards_per_page 0: auto, as many as fit (the pager decides)
    programme = schedule.Programme(settings.cards_per_page or 0, settings.page_seconds, settings.theme,
                                   h > w, Pager(w, h, fonts, settings.lang), forced_theme=theme)
    style = pages.PageStyle(settings.station_name, settings.hotline, cards, theme or settings.theme,
                            settings.lang, assets.logo(settings.station_logo))
    return Look(programme, style)
