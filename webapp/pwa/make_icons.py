"""Draws the app icons (static/icons/*.png) from the same geometry as static/icons/*.svg.

Run `python -m webapp.pwa.make_icons` after changing the icon; the PNGs are committed. Pure Python
(zlib), so no image library is needed: a 4x4 supersampled rasteriser of three shapes.
"""
import math
import struct
import zlib
from pathlib import Path

GREEN, PALE = (0x1F, 0x7A, 0x5C), (0xE8, 0xF5, 0xEF)
ICONS = Path(__file__).resolve().parents[2] / "static" / "icons"


def _ring_hit(x, y, radius, width, dash):
    """Whether (x, y) (units of a 64 box, centre 32,32) is on the ring's dash (round caps),
    which starts at the top and runs clockwise for `dash` units of arc length."""
    dx, dy = x - 32, y - 32
    half = width / 2
    sweep = dash / radius
    angle = math.atan2(dx, -dy) % (2 * math.pi)  # 0 at the top, clockwise
    if abs(math.hypot(dx, dy) - radius) <= half and angle <= sweep:
        return True
    for end in (0.0, sweep):
        cx, cy = 32 + radius * math.sin(end), 32 - radius * math.cos(end)
        if math.hypot(x - cx, y - cy) <= half:
            return True
    return False


def _colour(x, y, maskable):
    """(r, g, b, a) of one sample."""
    distance = math.hypot(x - 32, y - 32)
    if maskable:
        ring, dot = (13, 3.5, 62), 4
    else:
        if distance > 29:
            return None
        ring, dot = (19, 5, 90), 6
    if distance <= dot or _ring_hit(x, y, *ring):
        return PALE
    return GREEN


def draw(size: int, maskable: bool = False, samples: int = 4) -> bytes:
    rows = []
    scale = 64 / size
    for py in range(size):
        row = bytearray([0])  # filter: none
        for px in range(size):
            r = g = b = a = 0
            for sy in range(samples):
                for sx in range(samples):
                    colour = _colour((px + (sx + .5) / samples) * scale, (py + (sy + .5) / samples) * scale, maskable)
                    if colour is not None:
                        r, g, b, a = r + colour[0], g + colour[1], b + colour[2], a + 1
            n = samples * samples
            row += bytes((r // a, g // a, b // a, 255 * a // n) if a else (0, 0, 0, 0))
        rows.append(bytes(row))
    return _png(size, b"".join(rows))


def _png(size: int, raw: bytes) -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main() -> None:
    for name, size, maskable in (("icon-192.png", 192, False), ("icon-512.png", 512, False),
                                 ("maskable-512.png", 512, True), ("apple-touch-icon.png", 180, True)):
        (ICONS / name).write_bytes(draw(size, maskable))
        print(name)


if __name__ == "__main__":
    main()
