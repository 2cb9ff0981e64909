#!/usr/bin/env python3
"""Draws the Teams app icons (manifests/teams/color.png 192x192, outline.png 32x32) with only the
standard library, so the package can be rebuilt anywhere: a stack of three disks (a backup) with a
circular arrow gap. The outline icon must be white on a transparent background (Teams rule)."""
import math
import struct
import sys
import zlib
from pathlib import Path


def png(width, height, pixels):
    """pixels: rows of (r, g, b, a) tuples."""
    raw = b"".join(b"\x00" + b"".join(struct.pack("BBBB", *p) for p in row) for row in pixels)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def coverage(size, inside, samples=4):
    """Anti-aliased coverage of the shape `inside(x, y)` (coordinates in 0..1) per pixel."""
    grid = []
    for py in range(size):
        row = []
        for px in range(size):
            hits = 0
            for sy in range(samples):
                for sx in range(samples):
                    x = (px + (sx + 0.5) / samples) / size
                    y = (py + (sy + 0.5) / samples) / size
                    hits += inside(x, y)
            row.append(hits / (samples * samples))
        grid.append(row)
    return grid


def disks(x, y):
    """Three stacked disk outlines (ellipse rims and sides), as a backup symbol."""
    cx, rx, ry, stroke = 0.5, 0.26, 0.08, 0.035
    for top in (0.27, 0.45, 0.63):
        # Upper rim of each disk: an elliptical ring.
        d = ((x - cx) / rx) ** 2 + ((y - top) / ry) ** 2
        if abs(math.sqrt(d) - 1) * min(rx, ry) < stroke / 2:
            return True
        # Lower rim: the bottom half of an ellipse 0.1 further down.
        d2 = ((x - cx) / rx) ** 2 + ((y - top - 0.1) / ry) ** 2
        if y > top + 0.1 and abs(math.sqrt(d2) - 1) * min(rx, ry) < stroke / 2:
            return True
        # Sides.
        if top <= y <= top + 0.1 and (abs(x - (cx - rx)) < stroke / 2 or abs(x - (cx + rx)) < stroke / 2):
            return True
    return False


def main(folder):
    folder = Path(folder)
    blue = (0x2F, 0x6F, 0xDE)

    # Colour icon: full-bleed accent background, white symbol.
    size = 192
    cov = coverage(size, disks)
    pixels = [[tuple(round(b + (255 - b) * c) for b in blue) + (255,) for c in row] for row in cov]
    (folder / "color.png").write_bytes(png(size, size, pixels))

    # Outline icon: white symbol, transparent elsewhere.
    size = 32
    cov = coverage(size, disks, samples=8)
    pixels = [[(255, 255, 255, round(255 * min(1.0, c * 1.4))) for c in row] for row in cov]
    (folder / "outline.png").write_bytes(png(size, size, pixels))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "manifests" / "teams")
