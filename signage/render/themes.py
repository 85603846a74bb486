"""Colour themes, and the WCAG contrast arithmetic that keeps them readable.

Every (text, background) pair a theme uses is listed by :func:`text_pairs`, and a
test holds each of them to at least 7:1 (WCAG AAA).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from signage.core.model import Settlement
from signage.core.theme_names import DEFAULT_THEME, MAX_CARDS

RGB = tuple[int, int, int]


def hex_rgb(value: str) -> RGB:
    value = value.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def relative_luminance(rgb: RGB) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


@dataclass(frozen=True)
class Badge:
    bg: RGB
    fg: RGB


@dataclass(frozen=True)
class Theme:
    name: str
    page_bg: RGB
    header_bg: RGB
    header_fg: RGB
    card_bg: RGB
    card_edge: RGB
    title: RGB
    text: RGB
    label: RGB
    pay: RGB
    phone: RGB
    footer_bg: RGB
    footer_fg: RGB
    badges: dict[Settlement, Badge] = field(default_factory=dict)
    scale: float = 1.0  # text size factor; the large-print theme is bigger
    card_scale: float = 1.0  # the job cards' size floors, times this (see card.py)
    max_cards: int = MAX_CARDS[DEFAULT_THEME]
    radius: float = 0.018  # card corner radius, as a fraction of the screen's short side
    urgent_bg: RGB = (159, 18, 18)  # the priority message fills the page with this
    urgent_fg: RGB = (255, 255, 255)
    texture: str = ""  # an asset drawn on the cards (assets/chalkboard.png: the night market's board)
    title_face: str = ""  # "hand": titles in the handwriting face (AR PL UKai), when installed
    glow: bool = False  # cards glow softly in their edge colour

    def text_pairs(self) -> list[tuple[str, RGB, RGB]]:
        """Every (what, text colour, background colour) this theme draws."""
        pairs = [
            ("header", self.header_fg, self.header_bg),
            ("footer", self.footer_fg, self.footer_bg),
            ("title", self.title, self.card_bg),
            ("text", self.text, self.card_bg),
            ("label", self.label, self.card_bg),
            ("pay", self.pay, self.card_bg),
            ("phone", self.phone, self.card_bg),
            ("page", self.title, self.page_bg),
            ("urgent", self.urgent_fg, self.urgent_bg),
        ]
        pairs += [(f"badge:{s.value}", b.fg, b.bg) for s, b in self.badges.items()]
        if self.texture:  # the lightest grain of the board is what text must stand out from
            from .assets import lightest

            board = lightest(self.texture)
            pairs += [(f"{what} on the board", fg, board) for what, fg, bg in pairs if bg == self.card_bg]
        return pairs


def _badges(spec: dict[Settlement, tuple[str, str]]) -> dict[Settlement, Badge]:
    return {s: Badge(hex_rgb(bg), hex_rgb(fg)) for s, (bg, fg) in spec.items()}


DAY = Theme(
    name="day",
    page_bg=hex_rgb("#DCE3EC"),
    header_bg=hex_rgb("#0B2F5E"),
    header_fg=hex_rgb("#FFFFFF"),
    card_bg=hex_rgb("#FFFFFF"),
    card_edge=hex_rgb("#B7C3D3"),
    title=hex_rgb("#0F172A"),
    text=hex_rgb("#1E293B"),
    label=hex_rgb("#334155"),
    pay=hex_rgb("#9F1212"),
    phone=hex_rgb("#0B2F5E"),
    footer_bg=hex_rgb("#0B2F5E"),
    footer_fg=hex_rgb("#FFFFFF"),
    badges=_badges({
        Settlement.DAILY: ("#14532D", "#FFFFFF"),
        Settlement.WEEKLY: ("#134E4A", "#FFFFFF"),
        Settlement.MONTHLY: ("#1E3A8A", "#FFFFFF"),
        Settlement.PIECE: ("#7C2D12", "#FFFFFF"),
        Settlement.COMPLETION: ("#581C87", "#FFFFFF"),
    }),
)

NIGHT = Theme(  # the night market: glowing blackboards, chalk colours, handwritten titles
    name="night",
    page_bg=hex_rgb("#070A08"),
    header_bg=hex_rgb("#070A08"),
    header_fg=hex_rgb("#FFE27A"),
    card_bg=hex_rgb("#16261E"),  # the board's colour (assets.BOARD); the chalk texture goes over it
    card_edge=hex_rgb("#F2D36B"),
    title=hex_rgb("#FBFAF0"),  # white chalk
    text=hex_rgb("#EEF0E6"),
    label=hex_rgb("#BFE8CF"),  # green chalk
    pay=hex_rgb("#FFE066"),  # yellow chalk
    phone=hex_rgb("#FFC2D4"),  # pink chalk
    footer_bg=hex_rgb("#070A08"),
    footer_fg=hex_rgb("#FFE27A"),
    badges=_badges({
        Settlement.DAILY: ("#8EF0B0", "#06140C"),
        Settlement.WEEKLY: ("#8FE8E0", "#041413"),
        Settlement.MONTHLY: ("#A9C8FF", "#06102A"),
        Settlement.PIECE: ("#FFC58A", "#1F0C00"),
        Settlement.COMPLETION: ("#E2B8FF", "#1A0629"),
    }),
    urgent_bg=hex_rgb("#FFE066"),
    urgent_fg=hex_rgb("#0A0F0C"),
    texture="chalkboard.png",
    title_face="hand",
    glow=True,
)

LARGE = Theme(
    name="large",
    page_bg=hex_rgb("#000000"),
    header_bg=hex_rgb("#000000"),
    header_fg=hex_rgb("#FFFFFF"),
    card_bg=hex_rgb("#000000"),
    card_edge=hex_rgb("#FFFFFF"),
    title=hex_rgb("#FFFFFF"),
    text=hex_rgb("#FFFFFF"),
    label=hex_rgb("#E5E5E5"),
    pay=hex_rgb("#FFE600"),
    phone=hex_rgb("#FFE600"),
    footer_bg=hex_rgb("#000000"),
    footer_fg=hex_rgb("#FFFFFF"),
    badges=_badges({
        Settlement.DAILY: ("#7CFC9A", "#000000"),
        Settlement.WEEKLY: ("#7FFFEF", "#000000"),
        Settlement.MONTHLY: ("#9CC3FF", "#000000"),
        Settlement.PIECE: ("#FFB870", "#000000"),
        Settlement.COMPLETION: ("#E5B3FF", "#000000"),
    }),
    scale=1.25,
    card_scale=1.6,
    max_cards=MAX_CARDS["large"],
    urgent_bg=hex_rgb("#FFE600"),
    urgent_fg=hex_rgb("#000000"),
)

THEMES: dict[str, Theme] = {t.name: t for t in (DAY, NIGHT, LARGE)}


def get(name: str) -> Theme:
    return THEMES.get(name, DAY)
