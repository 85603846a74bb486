"""Make the generated pictures of assets/ again: the night market's blackboard, the demo logo.

    .venv/bin/python scripts/make_assets.py
"""

from signage.core.settings import FontSettings
from signage.render.assets import ASSETS, CHALKBOARD, LOGO, make_chalkboard, make_logo
from signage.render.fonts import find_faces

if __name__ == "__main__":
    ASSETS.mkdir(exist_ok=True)
    make_chalkboard().save(ASSETS / CHALKBOARD, optimize=True)
    _, bold = find_faces(FontSettings())
    make_logo(str(bold.path), bold.index).save(ASSETS / LOGO, optimize=True)
    print("wrote", ASSETS / CHALKBOARD, ASSETS / LOGO)
