"""What the canvas sends when a student lifts the pen: fabric.js paths and a PNG of the canvas.

streamlit-drawable-canvas 0.13 sends its whole state as one JSON widget value,
{"drawing": {"raw": <fabric.js JSON>, "data": <PNG data URL>}}, on every
mouse-up. The protocol client renders the same strokes the browser tests draw
(harness/browser.py DIGIT_STROKES, along the same pen_path) with Pillow, at the
Read page's size and brush.
"""

import base64
import io
import json

from PIL import Image, ImageDraw

from harness.browser import DIGIT_STROKES, pen_path

CANVAS_SIZE = 360  # pixels: the Read page's canvas outside presenter mode
BRUSH = 26  # the page's default brush width


def leaning(points: list[tuple[float, float]], lean: float) -> list[tuple[float, float]]:
    """A stroke slanted by `lean` (its top moved right by lean / 2 of the canvas, its bottom left as much).

    The page moves a digit to the middle of its 28 x 28 picture, so a shift alone can give a student the same
    picture twice, which the wall takes once; a slant changes the picture itself.
    """
    return [(x - lean * (y - 0.5), y) for x, y in points]


def stroke_points(points: list[tuple[float, float]], shift: tuple[float, float], lean: float = 0.0) -> list[tuple[float, float]]:
    """A stroke through `points` (fractions of the canvas) as canvas pixels, the way a mouse passes through them."""
    return [(x * CANVAS_SIZE, y * CANVAS_SIZE) for x, y in pen_path(leaning(points, lean), shift)]


def canvas_value(digit: str, shift: tuple[float, float] = (0.0, 0.0), strokes: int | None = None, lean: float = 0.0) -> str:
    """The canvas's widget value (a JSON string) after the first `strokes` strokes of `digit` (all by default)."""
    return strokes_value(DIGIT_STROKES[digit][:strokes], shift, lean)


def varied_drawing(number: int) -> tuple[str, str]:
    """The `number`-th of 220 different drawings of a 1 or a 7, and the digit: each its own slant and foot.

    The page moves a digit to the middle of its picture, so only changes of shape make new pictures; a class wall
    filled from these gets no two tiles alike, whatever it counts as the same picture.
    """
    digit, shape = "17"[number % 2], number // 2 % 110
    lean, foot = 0.04 * (shape % 11 - 5), 0.03 * (shape // 11 - 4.5)  # foot: where the stroke ends, moved sideways
    *strokes, (*head, (x, y)) = DIGIT_STROKES[digit]
    return digit, strokes_value([*strokes, [*head, (x + foot, y)]], (0.0, 0.0), lean)


def strokes_value(strokes: list[list[tuple[float, float]]], shift: tuple[float, float], lean: float = 0.0) -> str:
    """The canvas's widget value after drawing `strokes` (lists of points, fractions of the canvas)."""
    paths = [stroke_points(points, shift, lean) for points in strokes]
    image = Image.new("RGBA", (CANVAS_SIZE, CANVAS_SIZE), "#ffffff")
    pen = ImageDraw.Draw(image)
    for path in paths:
        pen.line(path, fill="#000000", width=BRUSH, joint="curve")
        for x, y in (path[0], path[-1]):  # round caps
            pen.ellipse((x - BRUSH / 2, y - BRUSH / 2, x + BRUSH / 2, y + BRUSH / 2), fill="#000000")
    png = io.BytesIO()
    image.save(png, format="PNG")
    objects = [
        {"type": "Path", "stroke": "#000000", "strokeWidth": BRUSH, "strokeLineCap": "round", "fill": None,
         "path": [["M", *path[0]]] + [["L", *point] for point in path[1:]]}
        for path in paths
    ]  # fmt: skip
    raw = {"version": "7.4.0", "objects": objects, "background": "#ffffff"}
    data = "data:image/png;base64," + base64.b64encode(png.getvalue()).decode("ascii")
    return json.dumps({"drawing": {"raw": raw, "data": data}})
