"""Read digits from image files with a trained row reader.

    python -m model.predict digit.png
    python -m model.predict --json --model runs/x/model.keras *.png

Loads the model once, preprocesses each image as MNIST was made, and replays
all of them through the numpy x-ray in one batch. A file that cannot be read
is reported on its own line; the others still go through, and the exit
status is 1 if any failed. A model whose answers are not numbers (NaN or
infinite probabilities) reads nothing: it is reported, with exit status 1.
"""

import argparse
import json
import os
import sys

import numpy as np

from model.config import ROW_WIDTH, ROWS

NOT_NUMBERS = "the model's answers are not numbers (NaN or infinity), so it can read nothing; its weights are damaged: use another model"


def image_for_model(path: str, preprocess_image: bool) -> np.ndarray:
    """One file as a (28, 28) float32 MNIST-style image; raises ValueError with a reason a person can act on."""
    from model.preprocess import ImageError, load_image, preprocess, to_ink

    pixels = load_image(path)
    if not preprocess_image:
        if pixels.shape[:2] != (ROWS, ROW_WIDTH):
            raise ImageError(f"--no-preprocess needs a {ROWS}x{ROW_WIDTH} image, this one is {pixels.shape[1]}x{pixels.shape[0]}")
        return to_ink(pixels)[0]
    prepared = preprocess(pixels)
    if prepared.is_empty:
        raise ImageError(f"no digit found: {prepared.empty_reason.rstrip('.').lower()}")
    return prepared.image


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m model.predict", description="Read handwritten digits row by row.")
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="PNG or JPEG files (GIF, BMP and WebP are read too)")
    parser.add_argument("--model", help="a .keras file (default: the shipped model/weights/default.keras)")
    parser.add_argument("--json", action="store_true", help="one JSON object a line, with probabilities after every row")
    parser.add_argument("--no-preprocess", action="store_true", help="take 28x28 MNIST-format images as they are")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from model.storage import DEFAULT_MODEL_PATH, ModelLoadError, load_model
    from model.xray import step_probabilities

    try:
        loaded = load_model(args.model or DEFAULT_MODEL_PATH)
    except ModelLoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    images, readable, failures = [], [], {}
    for path in args.images:
        try:
            images.append(image_for_model(path, not args.no_preprocess))
            readable.append(path)
        except (ValueError, OSError) as error:
            failures[path] = str(error)
    step_probs = step_probabilities(loaded.weights, np.stack(images)) if images else np.empty((0, ROWS, 10))
    if not np.isfinite(step_probs).all():
        print(f"error: {NOT_NUMBERS}", file=sys.stderr)
        return 1
    results = dict(zip(readable, step_probs, strict=True))

    for path in args.images:  # in the order given
        if path in failures:
            line = {"path": path, "error": failures[path]}
            print(json.dumps(line) if args.json else f"{path}: error: {failures[path]}")
            continue
        probs = results[path]  # (steps=28, 10)
        digit, confidence = int(probs[-1].argmax()), float(probs[-1].max())
        if args.json:
            print(json.dumps({"path": path, "digit": digit, "confidence": round(confidence, 6),
                              "step_probs": np.round(probs, 6).tolist()}))  # fmt: skip
        else:
            print(f"{path}: {digit} ({confidence:.1%})")
    sys.stdout.flush()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
