"""The MSP's logo for its quotes: an upload is read with a bound on its size and its pixels (a
small file can claim a huge image), and kept as a PNG made anew from its pixels, so that nothing
of the uploaded file but the picture reaches a PDF."""

import io

from PIL import Image, UnidentifiedImageError

MAX_BYTES = 512 * 1024
MAX_SIDE = 2000  # pixels, either way: read from the header before any pixel is decoded
SHOWN = (600, 200)  # the largest a logo is kept at


class BadLogo(ValueError):
    pass


def logo_png(data: bytes) -> bytes:
    if len(data) > MAX_BYTES:
        raise BadLogo(f"The logo is larger than {MAX_BYTES // 1024} KB.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                raise BadLogo("The logo must be a PNG or JPEG image.")
            width, height = image.size
            if width > MAX_SIDE or height > MAX_SIDE or not width or not height:
                raise BadLogo(f"The logo is at most {MAX_SIDE} × {MAX_SIDE} pixels.")
            image.load()
            picture = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as error:
        if isinstance(error, BadLogo):
            raise
        raise BadLogo("The logo could not be read as a PNG or JPEG image.") from None
    picture.thumbnail(SHOWN)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()
