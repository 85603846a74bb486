"""The fixed words the screen draws itself, in Simplified or Traditional Chinese.

``station.lang: zh-tw`` (or zh-hk, zh-mo) shows Traditional labels; a table, not a
converter, because the words are few and fixed. Listing text is drawn as staff wrote it.
"""

from __future__ import annotations

TRADITIONAL_LANGS = ("zh-tw", "zh-hk", "zh-mo")

# Simplified -> Traditional, for every fixed word drawn on a page.
_TRADITIONAL = {
    "地点": "地點", "时间": "時間", "要求": "要求", "电话": "電話", "说明": "說明",
    "日结": "日結", "周结": "週結", "月结": "月結", "计件": "計件", "完工结": "完工結", "现结": "現結",
    "次日结": "次日結",
    "招{n}人": "招{n}人", "工资面议": "工資面議", "求职咨询热线": "求職諮詢熱線",
    "详情请到服务台": "詳情請到服務台", "（续）": "（續）",
    "第 {page}/{pages} 页": "第 {page}/{pages} 頁",
    "新的招聘信息正在整理中": "新的招聘資訊正在整理中", "请向工作人员咨询": "請向工作人員諮詢",
    "微信扫码 进直播间": "微信掃碼 進直播間", "微信扫一扫 加入": "微信掃一掃 加入",
    "微信扫一扫": "微信掃一掃", "直播带岗": "直播帶崗", "紧急通知": "緊急通知",
    "星期": "星期", "扫码进群": "掃碼進群",
    # pay units (core.model.PayUnit.zh) and the parts of a pay as drawn
    "元/小时": "元/小時", "元/周": "元/週", "元/单": "元/單",
}


def label(text: str, lang: str, **values: object) -> str:
    """``text`` (a Simplified key of the table) in the station's language, filled in."""
    if lang.lower() in TRADITIONAL_LANGS:
        text = _TRADITIONAL.get(text, text)
    return text.format(**values) if values else text


def pay(text: str, lang: str) -> str:
    """A pay as drawn (``150元/小时``) with its unit in the station's language."""
    if lang.lower() not in TRADITIONAL_LANGS:
        return text
    if text in _TRADITIONAL:  # 工资面议
        return _TRADITIONAL[text]
    for simplified, traditional in _TRADITIONAL.items():
        if simplified.startswith("元/") and text.endswith(simplified):
            return text[: -len(simplified)] + traditional
    return text
