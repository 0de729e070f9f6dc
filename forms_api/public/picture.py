"""The receipt as a picture a citizen can save on the phone (PNG): the 留言编号, the tracking code and a QR code of the
site's /track/ page with the code in the URL fragment (`…/track/#code=…`), which a browser never sends to a server.

Drawn with Pillow in the Noto CJK font (scripts/setup.sh installs fonts-noto-cjk); the QR code as the generator
makes the posters' (generator/qr.py: the same error correction, quiet zone and URL check).
"""

from __future__ import annotations

import base64
import io
import logging
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from forms_api import messages
from generator.qr import ERROR_CORRECTION, QUIET_ZONE, check_url

log = logging.getLogger("forms_api")
FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/noto-cjk"))
WIDTH = 760
MARGIN = 48
MODULE = 10  # pixels a QR module: large enough for an old phone's camera from a screen
INK = (31, 35, 40)
MUTED = (87, 96, 106)
ACCENT = (179, 38, 30)


@lru_cache(maxsize=8)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "NotoSansCJK-Bold.ttc" if bold else "NotoSansCJK-Regular.ttc"
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return ImageFont.truetype(str(folder / name), size, index=2)  # index 2: Simplified Chinese (SC)
    log.warning(messages.RECEIPT_NO_FONT.format(name=name, folders=", ".join(map(str, FONT_DIRS))))
    return ImageFont.load_default(size)  # no Chinese glyphs: the receipt picture shows boxes for them


def track_link(site_root: str, code: str) -> str:
    """The site's /track/ page that opens the case: the code only in the fragment."""
    return f"{site_root.rstrip('/')}/track/#code={code}"


def _qr(url: str) -> Image.Image:
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE, box_size=MODULE)
    code.add_data(check_url(url))
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    return image.resize((size * MODULE, size * MODULE), Image.Resampling.NEAREST).convert("RGB")


def receipt_png(reference: str, code: str, site_root: str) -> bytes:
    """The receipt picture of one case, as PNG bytes."""
    texts = messages.PICTURE_TEXTS
    qr = _qr(track_link(site_root, code))
    lines = [
        (texts["title"], _font(40, bold=True), INK, 28),
        (texts["reference"], _font(28), MUTED, 4),
        (reference, _font(44, bold=True), INK, 24),
        (texts["code"], _font(28), MUTED, 4),
        (code, _font(44, bold=True), ACCENT, 24),
    ]
    footer = [(line, _font(26), MUTED, 6) for line in texts["footer"]]
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))

    def height(rows: list) -> int:
        return sum(probe.textbbox((0, 0), text, font=font)[3] + gap for text, font, _, gap in rows)

    total = MARGIN + height(lines) + qr.height + 16 + height(footer) + MARGIN
    image = Image.new("RGB", (max(WIDTH, qr.width + 2 * MARGIN), total), "white")
    draw = ImageDraw.Draw(image)
    y = MARGIN
    for text, font, colour, gap in lines:
        draw.text((MARGIN, y), text, font=font, fill=colour)
        y += draw.textbbox((0, 0), text, font=font)[3] + gap
    image.paste(qr, ((image.width - qr.width) // 2, y))
    y += qr.height + 16
    for text, font, colour, gap in footer:
        width = draw.textlength(text, font=font)
        draw.text(((image.width - width) / 2, y), text, font=font, fill=colour)
        y += draw.textbbox((0, 0), text, font=font)[3] + gap
    out = io.BytesIO()
    # A few inks and their edges: 16 colours, a third of the bytes; the fast octree, a tenth of the time of the default
    image.quantize(colors=16, method=Image.Quantize.FASTOCTREE).save(out, "PNG")
    return out.getvalue()


def data_url(png: bytes) -> str:
    """The picture as a data: URL, for the service's own receipt page (its CSP allows `img-src data:`)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
