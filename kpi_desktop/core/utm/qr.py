"""QR codes of tagged links, drawn locally with segno."""

from __future__ import annotations

import io
from typing import Any


def _qr(url: str) -> Any:
    """The segno symbol of `url` (error level M, never a micro QR code)."""
    import segno

    return segno.make(url, error="m", micro=False)


def qr_scale(url: str, size_px: int, border: int = 4) -> int:
    """The whole-pixel module size whose symbol is closest to `size_px` without exceeding it."""
    width: int = _qr(url).symbol_size(scale=1, border=border)[0]
    return max(1, size_px // width)


def qr_bytes(url: str, kind: str = "png", size_px: int = 512, border: int = 4) -> bytes:
    """The QR code of `url` as PNG or SVG bytes, drawn locally, about `size_px` wide."""
    if kind not in ("png", "svg"):
        raise ValueError(f"QR codes are saved as png or svg, not {kind}")
    out = io.BytesIO()
    _qr(url).save(out, kind=kind, scale=qr_scale(url, size_px, border), border=border)
    return out.getvalue()
