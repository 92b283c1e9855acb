"""Draws the app icon: writes resources/icons/bedrock-chat.svg and renders the same shapes with Pillow to PNGs
(16-1024 px), a Windows .ico and a macOS .icns. Run it after changing the shapes; the outputs are committed.

    .venv/bin/pip install pillow && .venv/bin/python packaging/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "resources" / "icons"
VIEW = 256  # every coordinate below is in a 256-unit square
INK, WHITE = "#232F3E", "#FFFFFF"
BACKGROUND = (16, 16, 240, 240, 48)  # x0, y0, x1, y1, corner radius
STRATA = ((176, 196, "#FF9900"), (196, 216, "#E07B00"), (216, 240, "#B35900"))  # bedrock layers
BUBBLE = (52, 52, 204, 148, 30)
TAIL = ((84, 140), (84, 174), (122, 140))
DOTS = ((92, 100), (128, 100), (164, 100))
DOT_RADIUS = 11
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)


def svg() -> str:
    x0, y0, x1, y1, r = BACKGROUND
    bx0, by0, bx1, by1, br = BUBBLE
    strata = "\n".join(f'    <rect x="0" y="{top}" width="{VIEW}" height="{bottom - top}" fill="{colour}"/>'
                       for top, bottom, colour in STRATA)
    tail = " ".join(f"{x},{y}" for x, y in TAIL)
    dots = "\n".join(f'  <circle cx="{x}" cy="{y}" r="{DOT_RADIUS}" fill="{INK}"/>' for x, y in DOTS)
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="{VIEW}" height="{VIEW}" viewBox="0 0 {VIEW} {VIEW}">
  <title>Bedrock Chat</title>
  <defs>
    <clipPath id="tile"><rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" rx="{r}"/></clipPath>
  </defs>
  <rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" rx="{r}" fill="{INK}"/>
  <g clip-path="url(#tile)">
{strata}
  </g>
  <rect x="{bx0}" y="{by0}" width="{bx1 - bx0}" height="{by1 - by0}" rx="{br}" fill="{WHITE}"/>
  <polygon points="{tail}" fill="{WHITE}"/>
{dots}
</svg>
"""


def render(size: int) -> Image.Image:
    """Draws at 4x and scales down, which smooths the edges Pillow draws without anti-aliasing."""
    scale = size * 4 / VIEW

    def box(*values: float) -> list[float]:
        return [value * scale for value in values]

    big = size * 4
    tile = Image.new("RGBA", (big, big), INK)
    draw = ImageDraw.Draw(tile)
    for top, bottom, colour in STRATA:
        draw.rectangle(box(0, top, VIEW, bottom), fill=colour)
    x0, y0, x1, y1, r = BACKGROUND
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).rounded_rectangle(box(x0, y0, x1, y1), radius=r * scale, fill=255)
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    image.paste(tile, (0, 0), mask)
    draw = ImageDraw.Draw(image)
    bx0, by0, bx1, by1, br = BUBBLE
    draw.rounded_rectangle(box(bx0, by0, bx1, by1), radius=br * scale, fill=WHITE)
    draw.polygon([(x * scale, y * scale) for x, y in TAIL], fill=WHITE)
    for x, y in DOTS:
        draw.ellipse(box(x - DOT_RADIUS, y - DOT_RADIUS, x + DOT_RADIUS, y + DOT_RADIUS), fill=INK)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bedrock-chat.svg").write_text(svg(), encoding="utf-8")
    images = {size: render(size) for size in PNG_SIZES}
    for size, image in images.items():
        image.save(OUT / f"bedrock-chat-{size}.png", optimize=True)
    images[256].save(OUT / "bedrock-chat.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    images[1024].save(OUT / "bedrock-chat.icns")
    print(f"wrote {len(images) + 3} files to {OUT}")


if __name__ == "__main__":
    main()
