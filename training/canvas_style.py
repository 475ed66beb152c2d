"""MNIST's training digits drawn again as students draw on a canvas, then prepared as the app prepares a drawing.

A model that has only seen MNIST reads a fixed-width brush stroke, a thick marker or a blurred scan
less well than MNIST's own pen (bench/bench_drawn_digits.py). Each training digit gets one copy made the
way such pictures arrive: at 25 to 90% of a canvas, anywhere on it, its stroke MNIST's own, thickened,
thinned or redrawn along its skeleton with a round brush of one width, sometimes blurred or scanned at
low resolution, dark on light or light on dark; then model.preprocess turns it into 28x28 exactly as it
does a student's drawing. Training mixes these copies with the originals (TrainConfig.drawn).
"""

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from model.preprocess import preprocess
from model.strokes import skeleton

CANVAS = 360  # the app's canvas on a desktop
SIZE_RANGE = (0.25, 0.9)  # the digit's side as a share of the canvas
STROKES = {"own": 0.15, "thick": 0.35, "thin": 0.2, "brush": 0.3}  # how often each stroke is drawn: thick and thin, the hardest, most
FINISHES = {"none": 0.7, "blurred": 0.15, "scanned": 0.15}  # and what happens to the picture after
SKELETON_SCALE = 3  # skeletons are found at 84x84, enough for a brush path
CHUNK = 2_000  # digits a worker draws at a time


def _choice(rng: np.random.Generator, shares: dict) -> str:
    return str(rng.choice(list(shares), p=list(shares.values())))


def _solid(ink: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A canvas pen lays solid ink: MNIST's grey rim becomes ink or paper at a random level."""
    cut = int(rng.integers(60, 160))
    return ink.point(lambda value: 255 if value > cut else 0)


def _brush(path: np.ndarray, size: int, rng: np.random.Generator) -> Image.Image:
    """A round brush of one width along a skeleton found at SKELETON_SCALE x 28 pixels."""
    ink = Image.new("L", (size, size), 0)
    pen = ImageDraw.Draw(ink)
    radius = size * rng.uniform(0.02, 0.1)
    scale = size / path.shape[0]
    for row, col in zip(*np.nonzero(path), strict=True):
        x, y = (col + 0.5) * scale, (row + 0.5) * scale
        pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    return ink


def draw_on_canvas(digit: np.ndarray, path: np.ndarray, rng: np.random.Generator) -> Image.Image:
    """digit: (28, 28) uint8, white on black; path: its skeleton at SKELETON_SCALE x 28. A canvas-sized picture."""
    size = int(CANVAS * rng.uniform(*SIZE_RANGE))
    stroke = _choice(rng, STROKES)
    if stroke == "brush":
        ink = _brush(path, size, rng)
    else:
        ink = Image.fromarray(digit).resize((size, size), Image.Resampling.BICUBIC)
        filter_size = 2 * int(rng.integers(1, max(2, size // 20))) + 1
        if stroke == "thick":
            ink = ink.filter(ImageFilter.MaxFilter(filter_size))
        elif stroke == "thin":  # a fine pen, or a faint pencil that breaks a stroke here and there
            ink = ink.filter(ImageFilter.MinFilter(min(filter_size, 2 * (size // 28) + 1)))
        ink = _solid(ink, rng)
    finish = _choice(rng, FINISHES)
    if finish == "blurred":
        ink = ink.filter(ImageFilter.GaussianBlur(size * rng.uniform(0.005, 0.03)))
    elif finish == "scanned":
        low = int(rng.integers(10, 21))
        ink = ink.resize((low, low), Image.Resampling.BOX).resize((size, size), Image.Resampling.BILINEAR)
    canvas = Image.new("L", (CANVAS, CANVAS), 0)
    canvas.paste(ink, tuple(int(place) for place in rng.integers(0, CANVAS - size + 1, 2)))
    return canvas if rng.random() < 0.5 else Image.fromarray(255 - np.asarray(canvas))


def _skeletons(digits: np.ndarray) -> np.ndarray:
    side = digits.shape[1] * SKELETON_SCALE
    larger = [np.asarray(Image.fromarray(digit).resize((side, side), Image.Resampling.BICUBIC)) > 100 for digit in digits]
    return skeleton(np.stack(larger))


def _draw_chunk(digits: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    paths = _skeletons(digits)
    prepared = np.empty(digits.shape, np.float32)
    for index, (digit, path) in enumerate(zip(digits, paths, strict=True)):
        image = preprocess(np.asarray(draw_on_canvas(digit, path, rng))).image
        prepared[index] = digit / np.float32(255) if image is None else image
    return prepared


def canvas_copies(images: np.ndarray, seed: int, workers: int | None = None, should_stop=lambda: False) -> np.ndarray:
    """images: (n, 28, 28) float ink in [0, 1]. Each drawn once as on a canvas and preprocessed; same shape.

    The same seed gives the same copies, however many workers draw them. Once should_stop() is true the
    digits not yet drawn are left as they are, so that a run asked to stop stops within a chunk.
    """
    copies = np.array(images, np.float32)
    digits = np.round(copies * 255).astype(np.uint8)
    starts = range(0, len(digits), CHUNK)
    chunks = [(digits[start : start + CHUNK], seed * 1_000_003 + start) for start in starts]  # a seed of its own each
    workers = min(workers or os.cpu_count() or 1, len(chunks))
    if workers <= 1:
        for start, chunk in zip(starts, chunks, strict=True):
            if should_stop():
                break
            copies[start : start + CHUNK] = _draw_chunk(*chunk)
        return copies
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        drawing = [pool.submit(_draw_chunk, *chunk) for chunk in chunks]
        for start, chunk in zip(starts, drawing, strict=True):
            if should_stop():
                pool.shutdown(cancel_futures=True)
                break
            copies[start : start + CHUNK] = chunk.result()
    return copies
