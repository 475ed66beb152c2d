"""Random changes that mimic how people draw: a little rotation, scale, shear, shift and stroke width.

Pure numpy on whole batches, so that a fresh augmented copy of the training set
each epoch costs little beside the learning (bench/bench_training_parts.py).
"""

import numpy as np

MAX_ROTATION = np.deg2rad(12)
SCALE_RANGE = (0.85, 1.15)
MAX_SHEAR = 0.2
MAX_SHIFT = 2.0  # pixels; preprocessing centres digits, so only small misplacements remain
STROKE_CHANGE = 0.6  # at most this far towards a 3x3 dilation (thicker) or erosion (thinner)


def _warp(images: np.ndarray, matrices: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """Bilinear sampling of each image at matrix @ (pixel - centre) + centre + shift."""
    count, size = images.shape[0], images.shape[1]
    centre = (size - 1) / 2
    grid = np.stack(np.meshgrid(np.arange(size), np.arange(size), indexing="ij"), -1).reshape(-1, 2) - centre  # (784, 2) row, col
    source = grid.astype(np.float32) @ matrices.transpose(0, 2, 1) + (centre + shifts[:, None, :]).astype(np.float32)  # (n, 784, 2)
    top_left = np.floor(source).astype(np.int32)
    fraction = (source - top_left).astype(np.float32)
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1))).reshape(count, -1)  # zeros outside the image
    rows = np.clip(top_left[..., 0] + 1, 0, size)
    cols = np.clip(top_left[..., 1] + 1, 0, size)

    def at(dr, dc):
        return np.take_along_axis(padded, (rows + dr) * (size + 2) + cols + dc, axis=1)

    fr, fc = fraction[..., 0], fraction[..., 1]
    warped = at(0, 0) * (1 - fr) * (1 - fc) + at(0, 1) * (1 - fr) * fc + at(1, 0) * fr * (1 - fc) + at(1, 1) * fr * fc
    return warped.reshape(images.shape)


def _neighbourhood(images: np.ndarray, reduce) -> np.ndarray:
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    size = images.shape[1]
    views = [padded[:, dr : dr + size, dc : dc + size] for dr in range(3) for dc in range(3)]
    return reduce(np.stack(views), axis=0)


def change_strokes(images: np.ndarray, amounts: np.ndarray) -> np.ndarray:
    """amount > 0 thickens towards a dilation, < 0 thins towards an erosion."""
    amounts = amounts[:, None, None].astype(np.float32)
    thicker = _neighbourhood(images, np.max)
    thinner = _neighbourhood(images, np.min)
    target = np.where(amounts > 0, thicker, thinner)
    return images + np.abs(amounts) * (target - images)


CHUNK = 2048  # images warped at once: keeps the working arrays in cache


def augment(images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """images: (n, 28, 28) float32 ink in [0, 1]; returns a new array of the same shape."""
    return np.concatenate([_augment_chunk(images[start : start + CHUNK], rng) for start in range(0, len(images), CHUNK)])


def _augment_chunk(images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    count = len(images)
    angle = rng.uniform(-MAX_ROTATION, MAX_ROTATION, count)
    scale = rng.uniform(*SCALE_RANGE, count)
    shear = rng.uniform(-MAX_SHEAR, MAX_SHEAR, count)
    cos, sin = np.cos(angle) / scale, np.sin(angle) / scale  # inverse map: output pixel -> source pixel
    matrices = np.stack([np.stack([cos, -sin + shear * cos], -1), np.stack([sin, cos + shear * sin], -1)], 1)  # (n, 2, 2)
    shifts = rng.uniform(-MAX_SHIFT, MAX_SHIFT, (count, 2))
    warped = _warp(images, matrices.astype(np.float32), shifts)
    strokes = rng.uniform(-STROKE_CHANGE, STROKE_CHANGE, count)
    return np.clip(change_strokes(warped, strokes), 0.0, 1.0).astype(np.float32)
