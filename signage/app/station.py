"""``signage init DIR``: a station's own folder, outside the checkout.

The repository's ``config.yaml`` and ``playlists/`` are the demo's. A station
keeps its settings, drop folder, playlists, play log and feed cache in a folder
of its own (``/srv/signage`` for the service), so that ``git pull`` never meets
a file the station edited. ``init`` creates what is missing and never
overwrites: it is safe to run again. No demo listings, no sample QR links.
"""

from __future__ import annotations

from pathlib import Path

CONFIG = """\
# 这个驿站的设置 / This station's settings. Every setting and its default:
# the Config schema in signage/core/settings.py of the checkout. Paths are relative to this file.
# After editing: sudo systemctl reload signage   (check first: signage validate --config THIS)

station:
  name: 零工驿站              # 每页左上角的站名 / shown at the top left of every page
  hotline: ""                # 页脚的服务电话，例如 028-2333 1234 / the footer's phone number

content: jobs                # 工作人员放招聘文件的文件夹 / the staff's drop folder
watch: auto                  # auto | native | poll (poll for a network share mounted here)
staff_badge: true            # 文件有错时屏幕角上的小提醒 / a small note when files have errors

playlists: playlists         # 什么时候放什么：白天、夜市、休息 / what shows when (docs/programme.md)

screen:                      # 几台电视分着放：这是第 index 台，共 count 台
  index: 1
  count: 1

display:
  fullscreen: true
  rotation: 0                # 竖着挂的电视写 90 或 270 / 90 or 270 for a portrait TV

pages:
  seconds: 12                # 每页停留秒数 / seconds per page

theme: day                   # day | night | large

status:
  port: 8787                 # http://127.0.0.1:8787/status (docs/deploy.md: from the office)

playlog:
  folder: var/playlog        # 每天播放了什么（signage report）/ what was shown, by day
cache_dir: var/cache         # 县里数据源的最后一份好副本 / the feed's last good copy

# 县里的招聘数据源 / the county's feed (docs/feed.md):
# feeds:
#   - url: https://jobs.example.gov.cn/lezhi/listings.json
#     interval: 300
"""

DAY = """\
# 白天：所有在招岗位。没有别的播放列表在播时就放这个。写法见 docs/programme.md
# Daytime: every current listing; on whenever no other playlist is.
name: 白天
default: true
theme: day
slides:
  - kind: jobs
    sort: newest
# 想加通知、直播预告或进群二维码，把下面的 # 去掉，换成自己的文字和链接：
# To add a notice or a join-the-group QR code, uncomment and use your own words and link:
#  - kind: announcement
#    title: 本周五上午 技能培训免费报名
#    text: 请到服务台登记，带上身份证。
#  - kind: join
#    title: 扫码进零工群
#    qr: 这里写你们自己群的链接
"""

NIGHT = """\
# 零工夜市：每天 18:00 到 21:30，黑板主题，只放“夜市”标签的岗位
# （放进招聘文件夹里 夜市/ 子文件夹的文件自动有这个标签）。
# The night market, 18:00-21:30 on the box's clock: only listings tagged 夜市
# (files in the drop folder's 夜市/ subfolder are).
name: 零工夜市
theme: night
schedule:
  - time: "18:00-21:30"
slides:
  - kind: jobs
    tags: [夜市]
    sort: pay
"""

SLEEP = """\
# 休息时间：22:00 到第二天 07:00 屏幕全黑 / black screens in sleep hours
name: 休息
sleep: true
schedule:
  - time: "22:00-07:00"
"""

FILES = {
    "config.yaml": CONFIG,
    "playlists/day.yaml": DAY,
    "playlists/night-market.yaml": NIGHT,
    "playlists/sleep.yaml": SLEEP,
}
FOLDERS = ("jobs", "jobs/夜市", "jobs/_预览", "playlists", "var/playlog", "var/cache")


def init(folder: Path) -> tuple[list[Path], list[Path]]:
    """Create the station folder's missing parts; (created, already there)."""
    created: list[Path] = []
    kept: list[Path] = []
    for name in FOLDERS:
        path = folder / name
        (kept if path.is_dir() else created).append(path)
        path.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        path = folder / name
        if path.exists():
            kept.append(path)
            continue
        path.write_text(text, encoding="utf-8")
        created.append(path)
    return created, kept
