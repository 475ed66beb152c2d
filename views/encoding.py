"""Arrays on their way to the browser, as base64: a third the size of the same numbers written out in JSON.

The players decode them (static/players/) and plotly.js reads its typed-array spec, so the
server sends each array once and small.
"""

import base64

import numpy as np


def base64_array(array: np.ndarray, dtype: str = "<f4") -> str:
    """The array's bytes as `dtype`, little-endian as the browser's typed arrays read them, row by row."""
    return base64.b64encode(np.ascontiguousarray(array, dtype).tobytes()).decode("ascii")


def base64_shades(values: np.ndarray, low: float = 0.0, high: float = 1.0) -> str:
    """Values from low to high as one byte each: 256 shades, more than a colour scale or an eye tells apart."""
    scaled = np.clip(np.round((np.asarray(values, np.float64) - low) / (high - low) * 255), 0, 255)
    return base64_array(scaled, "u1")


def typed_array(array: np.ndarray, dtype: str = "f4") -> dict:
    """An array as plotly.js's typed-array spec: float32 ("f8" where it must be exact)."""
    array = np.asarray(array)
    spec = {"dtype": dtype, "bdata": base64_array(array, f"<{dtype}")}
    if array.ndim > 1:
        spec["shape"] = ", ".join(str(n) for n in array.shape)
    return spec
