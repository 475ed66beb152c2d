"""Strokes as lines: a drawing's skeleton, its stroke width, a round pen drawn along a skeleton, and erosion by a disc.

Numpy on batches of masks, so that a whole training set can be redrawn in a minute
(training/canvas_style.py) and one drawing in a few milliseconds (model/preprocess.py).
"""

import numpy as np


def _neighbours(padded: np.ndarray) -> list[np.ndarray]:
    """The eight neighbours of every inner pixel, clockwise from the one above (Zhang and Suen's P2 .. P9)."""
    return [
        padded[:, :-2, 1:-1], padded[:, :-2, 2:], padded[:, 1:-1, 2:], padded[:, 2:, 2:],
        padded[:, 2:, 1:-1], padded[:, 2:, :-2], padded[:, 1:-1, :-2], padded[:, :-2, :-2],
    ]  # fmt: skip


def skeleton(masks: np.ndarray) -> np.ndarray:
    """Zhang and Suen's thinning (1984) of a batch (n, h, w) of masks: lines one pixel wide, loops and branches kept."""
    padded = np.pad(np.asarray(masks, bool), ((0, 0), (1, 1), (1, 1)))
    inner = padded[:, 1:-1, 1:-1]
    changed = True
    while changed:
        changed = False
        for first_pass in (True, False):
            around = _neighbours(padded)
            count = sum(pixel.astype(np.uint8) for pixel in around)
            turns = sum((~around[i] & around[(i + 1) % 8]).astype(np.uint8) for i in range(8))  # 0 -> 1 steps round the ring
            up, right, down, left = around[0], around[2], around[4], around[6]
            if first_pass:  # the south-east boundary and north-west corners
                open_side = ~(up & right & down) & ~(right & down & left)
            else:  # the north-west boundary and south-east corners
                open_side = ~(up & right & left) & ~(up & down & left)
            remove = inner & (count >= 2) & (count <= 6) & (turns == 1) & open_side
            if remove.any():
                inner &= ~remove
                changed = True
    return inner.copy()


def stroke_width(masks: np.ndarray, skeletons: np.ndarray | None = None) -> np.ndarray:
    """Each mask's mean stroke width in pixels: its area over the length of its skeleton.

    A skeleton stops half a width short of each end of a stroke, so each end adds width / 2 to the
    length: area = width * (length + ends * width / 2), solved for the width.
    """
    masks = np.asarray(masks, bool)
    skeletons = skeleton(masks) if skeletons is None else skeletons
    area, length = masks.sum((1, 2)).astype(np.float64), skeletons.sum((1, 2)).astype(np.float64)
    neighbours = sum(pixel.astype(np.uint8) for pixel in _neighbours(np.pad(skeletons, ((0, 0), (1, 1), (1, 1)))))
    ends = (skeletons & (neighbours == 1)).sum((1, 2)).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        solved = (np.sqrt(length**2 + 2 * ends * area) - length) / ends
    return np.where(ends > 0, solved, area / np.maximum(length, 1))


def _pen_tip(radius: float) -> list[tuple[int, int, float]]:
    """A round pen tip as (row, column, ink) offsets, its rim anti-aliased over one pixel."""
    reach = int(np.ceil(radius + 0.5))
    tip = []
    for row in range(-reach, reach + 1):
        for col in range(-reach, reach + 1):
            ink = min(1.0, radius + 0.5 - float(np.hypot(row, col)))
            if ink > 0:
                tip.append((row, col, ink))
    return tip


def draw_along(skeletons: np.ndarray, width: float) -> np.ndarray:
    """Ink (n, h, w) in [0, 1]: a round pen `width` pixels wide drawn along every skeleton pixel."""
    count, height, breadth = skeletons.shape
    reach = int(np.ceil(width / 2 + 0.5))
    padded = np.pad(skeletons.astype(np.float32), ((0, 0), (reach, reach), (reach, reach)))
    ink = np.zeros((count, height, breadth), np.float32)
    for row, col, strength in _pen_tip(width / 2):
        np.maximum(ink, padded[:, reach + row : reach + row + height, reach + col : reach + col + breadth] * strength, out=ink)
    return ink


def erode(mask: np.ndarray, radius: float) -> np.ndarray:
    """The pixels of a (h, w) mask whose whole disc of `radius` is ink: a stroke loses `radius` on each side, a hole
    grows by as much, so a thick stroke is thinned without filling the loops it nearly closes."""
    mask = np.asarray(mask, bool)
    reach = int(radius)
    padded = np.pad(mask, reach)
    height, width = mask.shape
    kept = mask.copy()
    for row in range(-reach, reach + 1):
        for col in range(-reach, reach + 1):
            if row * row + col * col <= radius * radius:
                kept &= padded[reach + row : reach + row + height, reach + col : reach + col + width]
    return kept
