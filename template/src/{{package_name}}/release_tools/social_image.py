"""Template-owned (mlrelease-template; `make template-update` replaces this file): the page's link preview.

`social.png`, 1200×630 pixels (the size Open Graph and X/Twitter's summary_large_image show uncropped), drawn with
Pillow when the project page is built: the title, the authors and the headline result (the first number of
results/metrics.json) on the page's colours; or, when page/teaser.png (or .jpg) exists, that figure fitted into
the frame. The page's og:image and twitter:image point at it. Text uses DejaVu Sans where the system has it (most
Linux machines and GitHub's runners), else Pillow's own font; characters a font lacks show as boxes, so a title in
a script it does not cover is better served by a teaser.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .release_file import Release
from .results import Metrics

SIZE = (1200, 630)
NAME = "social.png"
# The light scheme of page_assets/style.css.
BACKGROUND, TEXT, MUTED, ACCENT, PANEL = "#ffffff", "#1b1b1f", "#4a4a55", "#0b57d0", "#f4f4f7"
FONTS = {  # file names Pillow finds in the system's font folders, tried in order
    "bold": ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf"),
    "regular": ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf", "arial.ttf"),
}
MARGIN, TOP = 80, 70
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def font(weight: str, size: int) -> Font:
    for name in FONTS[weight]:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    try:
        return ImageFont.load_default(size)  # Pillow's own scalable font (Pillow 10.1 and later)
    except TypeError:
        return ImageFont.load_default()


def _pieces(text: str, draw: ImageDraw.ImageDraw, face: Font, width: int) -> Iterator[str]:
    """Words, with any word wider than a line (a URL, a CJK sentence without spaces) cut into characters."""
    for word in text.split():
        if draw.textlength(word, font=face) <= width:
            yield word
            continue
        part = ""
        for ch in word:
            if part and draw.textlength(part + ch, font=face) > width:
                yield part
                part = ""
            part += ch
        if part:
            yield part


def wrap(text: str, draw: ImageDraw.ImageDraw, face: Font, width: int, max_lines: int) -> list[str]:
    """Greedy line breaking to `width` pixels; the last line ends in … when the text does not fit."""
    lines: list[str] = []
    for piece in _pieces(text, draw, face, width):
        candidate = f"{lines[-1]} {piece}" if lines else piece
        if lines and draw.textlength(candidate, font=face) <= width:
            lines[-1] = candidate
        else:
            lines.append(piece)
    if len(lines) <= max_lines:
        return lines
    last = lines[max_lines - 1]
    while last and draw.textlength(last + " …", font=face) > width:
        last = last[:-1]
    return [*lines[: max_lines - 1], last.rstrip() + " …"]


def headline(metrics: Metrics) -> tuple[str, str] | None:
    """The first number of results/metrics.json and where it comes from: ("accuracy 0.9633", "test split, …")."""
    if not metrics.values:
        return None
    name, value = metrics.headline
    count = metrics.num_examples
    where = f"{metrics.split_name} split" + (f", {count:,} examples" if count is not None else "")
    return f"{name.replace('_', ' ')} {value:.4f}", where


def card(title: str, names: tuple[str, ...], result: tuple[str, str] | None) -> Image.Image:
    """Title, authors and the headline result (`headline`) on the page's colours."""
    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    width = SIZE[0] - 2 * MARGIN
    draw.rectangle((0, 0, 20, SIZE[1]), fill=ACCENT)
    band = SIZE[1] - 150  # the result band at the bottom
    for size in (64, 56, 48, 42):  # the largest size at which the title fits in four lines
        title_font = font("bold", size)
        lines = wrap(title, draw, title_font, width, 4)
        if not lines[-1].endswith(" …"):
            break
    y = TOP
    for line in lines:
        draw.text((MARGIN, y), line, font=title_font, fill=TEXT)
        y += round(size * 1.22)
    author_font = font("regular", 30)
    for line in wrap(", ".join(names), draw, author_font, width, 2 if y < band - 110 else 1):
        if y + 40 > band - 16:
            break
        draw.text((MARGIN, y + 16), line, font=author_font, fill=MUTED)
        y += 40
    draw.rectangle((20, band, SIZE[0], SIZE[1]), fill=PANEL)
    if result:
        value, where = result
        value_font = font("bold", 54)
        draw.text((MARGIN, band + 28), wrap(value, draw, value_font, width, 1)[0], font=value_font, fill=ACCENT)
        draw.text((MARGIN, band + 96), where, font=font("regular", 26), fill=MUTED)
    return image


def fitted(teaser: Path) -> Image.Image:
    """The researcher's teaser, scaled to fit the frame (never cropped) and centred on the page's background."""
    with Image.open(teaser) as source:
        figure = source.convert("RGBA")
    scale = min(SIZE[0] / figure.width, SIZE[1] / figure.height)
    size = (max(1, round(figure.width * scale)), max(1, round(figure.height * scale)))
    figure = figure.resize(size, Image.Resampling.LANCZOS)
    image = Image.new("RGB", SIZE, BACKGROUND)
    image.paste(figure, ((SIZE[0] - figure.width) // 2, (SIZE[1] - figure.height) // 2), figure)
    return image


def write_social_image(folder: Path, release: Release, metrics: Metrics, teaser: Path | None) -> Path:
    """Write social.png into the page folder; the same inputs give the same bytes (no timestamp in the PNG)."""
    path = folder / NAME
    if teaser:
        path.write_bytes(png_of(fitted(teaser)))
    else:
        path.write_bytes(card_png(release.title, tuple(a.name for a in release.authors), headline(metrics)))
    return path


@functools.lru_cache(maxsize=4)
def card_png(title: str, names: tuple[str, ...], result: tuple[str, str] | None) -> bytes:
    """The card's PNG, drawn once per process for the same text (each `make stage` draws it, tests stage often).
    Flat colours and antialiased text: a palette keeps the file a few tens of kilobytes."""
    image = card(title, names, result)
    return png_of(image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE))


def png_of(image: Image.Image) -> bytes:
    data = io.BytesIO()
    image.save(data, format="PNG", optimize=True)
    return data.getvalue()


def alt_text(release: Release, metrics: Metrics, teaser: Path | None) -> str:
    """What the preview shows, for og:image:alt and twitter:image:alt."""
    if teaser:
        return release.description
    result = headline(metrics)
    names = ", ".join(a.name for a in release.authors)
    return f"{release.title}, by {names}" + (f"; {result[0]} ({result[1]})" if result else "")
