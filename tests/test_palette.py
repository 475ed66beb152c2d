"""Colours and chart text every student can read: the digit palette under simulated colour-vision deficiency,
contrast on white, and the text, sizes and stillness of every Look inside and Train figure."""

import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert

from model.insight import row_importance
from model.report import load_report
from model.samples import load_samples
from model.storage import load_model
from model.xray import read_digit
from training.progress import Curve, TrainingCurves
from views.figures import hidden_state as hidden_state_figures
from views.figures import report as report_figures
from views.figures import training as train_figures
from views.figures.plotting import CLASS_COLOURS, MIN_TEXT_PX, NOW_COLOUR, TEXT

DEFICIENCIES = ("protanomaly", "deuteranomaly", "tritanomaly")  # at severity 100: protanopia, deuteranopia, tritanopia
MIN_APART = {"normal": 19.0, "protanomaly": 12.5, "deuteranomaly": 12.5, "tritanomaly": 12.5}  # CIEDE2000, any two digits
LARGE_BOLD_PX = 18.67  # WCAG's large text, 14 pt bold: 3:1 is enough for it; 4.5:1 for the rest


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])


def seen_as_lab(colour: str, vision: str) -> np.ndarray:
    """The colour as CIELab, as an eye with that deficiency at full severity sees it (Machado et al. 2009, via colorspacious)."""
    shown = rgb(colour)
    if vision != "normal":
        shown = np.clip(cspace_convert(shown, {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}, "sRGB1"), 0, 1)
    return cspace_convert(shown, "sRGB1", "CIELab")


def ciede2000(lab1, lab2) -> float:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005), kL = kC = kH = 1."""
    (L1, a1, b1), (L2, a2, b2) = lab1, lab2
    mean_c = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(mean_c**7 / (mean_c**7 + 25.0**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1, h2 = np.degrees(np.arctan2(b1, a1)) % 360, np.degrees(np.arctan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    if c1 * c2 == 0:
        mean_h = h1 + h2
    elif abs(h1 - h2) > 180:
        mean_h = (h1 + h2 + (360 if h1 + h2 < 360 else -360)) / 2
    else:
        mean_h = (h1 + h2) / 2
    t = 1 - 0.17 * np.cos(np.radians(mean_h - 30)) + 0.24 * np.cos(np.radians(2 * mean_h))
    t += 0.32 * np.cos(np.radians(3 * mean_h + 6)) - 0.20 * np.cos(np.radians(4 * mean_h - 63))
    mean_l, mean_c = (L1 + L2) / 2, (c1 + c2) / 2
    s_l = 1 + 0.015 * (mean_l - 50) ** 2 / np.sqrt(20 + (mean_l - 50) ** 2)
    s_c, s_h = 1 + 0.045 * mean_c, 1 + 0.015 * mean_c * t
    r_t = -2 * np.sqrt(mean_c**7 / (mean_c**7 + 25.0**7)) * np.sin(np.radians(60 * np.exp(-(((mean_h - 275) / 25) ** 2))))
    dl, dc, dh_ = (L2 - L1) / s_l, (c2 - c1) / s_c, 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2)) / s_h
    return float(np.sqrt(dl**2 + dc**2 + dh_**2 + r_t * dc * dh_))


def apart(colour1: str, colour2: str, vision: str) -> float:
    return ciede2000(seen_as_lab(colour1, vision), seen_as_lab(colour2, vision))


def luminance(colour: str) -> float:
    channels = rgb(colour)
    return float(np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4) @ [0.2126, 0.7152, 0.0722])


def contrast(colour1: str, colour2: str = "#ffffff") -> float:
    """WCAG 2 contrast ratio, against white unless told."""
    darker, lighter = sorted((luminance(colour1), luminance(colour2)))
    return (lighter + 0.05) / (darker + 0.05)


def contrast_on_white(colour: str) -> float:
    return contrast(colour)


# Sharma, Wu and Dalal (2005), "The CIEDE2000 color-difference formula": their test data, (Lab 1, Lab 2, difference).
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0009), 7.1792),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0011), 7.2195),
    ((50.0, -0.001, 2.49), (50.0, 0.0011, -2.49), 4.7461),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), 1.4441),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA)
def test_ciede2000_matches_sharmas_test_data(lab1, lab2, expected):
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_the_simulation_finds_what_the_issue_found_in_category10():
    """The old palette's worst pairs, as reported in issue 13: the check can fail."""
    assert apart("#1f77b4", "#9467bd", "protanomaly") == pytest.approx(1.9, abs=0.05)  # 0 and 3
    assert apart("#e377c2", "#17becf", "deuteranomaly") == pytest.approx(4.1, abs=0.05)  # 5 and 6


@pytest.mark.parametrize("vision", ["normal", *DEFICIENCIES])
def test_any_two_digits_stay_apart(vision):
    distances = {(i, j): apart(CLASS_COLOURS[i], CLASS_COLOURS[j], vision) for i, j in itertools.combinations(range(10), 2)}
    closest = min(distances, key=distances.get)
    assert distances[closest] >= MIN_APART[vision], f"digits {closest} are {distances[closest]:.1f} apart"


@pytest.mark.parametrize("vision", ["normal", *DEFICIENCIES])
def test_the_amber_of_now_is_no_digits_colour(vision):
    assert min(apart(NOW_COLOUR, colour, vision) for colour in CLASS_COLOURS) >= MIN_APART["protanomaly"]


@pytest.mark.parametrize("vision", ["normal", *DEFICIENCIES])
def test_row_importances_for_and_against_are_apart_and_no_digits_colour(vision):
    for_, against = report_figures.FOR_COLOUR, report_figures.AGAINST_COLOUR
    assert for_ not in CLASS_COLOURS and against not in CLASS_COLOURS
    assert apart(for_, against, vision) >= 30
    assert min(apart(side, colour, vision) for side in (for_, against) for colour in CLASS_COLOURS) >= 5


def test_every_colour_stands_out_on_white():
    assert all(contrast_on_white(colour) >= 3 for colour in (*CLASS_COLOURS, NOW_COLOUR)), "graphics need 3:1"
    assert contrast_on_white(report_figures.FOR_COLOUR) >= 4.5 and contrast_on_white(report_figures.AGAINST_COLOUR) >= 4.5
    assert contrast_on_white(TEXT) >= 4.5


def test_the_confusion_matrixs_counts_stand_out_on_every_shade_of_their_cells():
    spec = report_figures.confusion_figure(np.eye(10, dtype=int) * 980 + np.eye(10, k=1, dtype=int) * 7).to_dict()
    for heatmap in spec["data"][:2]:
        shades = [colour for _, colour in heatmap["colorscale"]]  # the shades between run from one end to the other
        assert min(contrast(heatmap["textfont"]["color"], shade) for shade in shades) >= 4.5, shades


@pytest.fixture(scope="module")
def figures() -> dict:
    """Every figure of the Look inside and Train pages, as the pages build them."""
    loaded = load_model()
    report = load_report(loaded.path, loaded.weights)
    seven = next(s for s in load_samples().values() if s.label == 7 and not s.misread)
    reading = read_digit(loaded.weights, seven.image)
    curve = Curve([0.5, 1.0], [0.9, 0.3], [0.7, 0.95])
    return {
        "confusion": report_figures.confusion_figure(report.confusion, (4, 9)),
        "accuracy": report_figures.class_accuracy_figure(report.class_accuracy, report.confusion.sum(axis=1)),
        "early": report_figures.early_figure(
            report.known_by_rows, report.class_known_by_rows, digit=7, digit_probs=reading.step_probs[:, 7]
        ),
        "map": hidden_state_figures.map_figure(
            report.map_paths,
            report.labels[report.map_index],
            current=report.projection.project(reading.hidden[-1]),
        ),
        "unit": hidden_state_figures.unit_figure(
            report.unit_mean[1, :, :, 5], report.unit_std[1, :, :, 5], title="unit 5", current=reading.hidden[1][:, 5]
        ),
        "rows": report_figures.row_importance_figure(seven.image, row_importance(loaded.weights, seven.image)),
        "compare": report_figures.compare_figure([("A: a seven", reading.step_probs), ("B: again", reading.step_probs)]),
        "training": train_figures.training_figure(TrainingCurves(curve, curve, Curve([1.0], [0.3], [0.95]))),
    }


def fonts(spec, owner=None):
    """Every font in a figure spec, with the dict that holds it (an axis, an annotation, a trace)."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key in ("font", "tickfont", "textfont") and isinstance(value, dict):
                yield value, spec
            yield from fonts(value, spec)
    elif isinstance(spec, list):
        for item in spec:
            yield from fonts(item, owner)


@pytest.mark.parametrize("name", ["confusion", "accuracy", "early", "map", "unit", "rows", "compare", "training"])
def test_chart_text_is_dark_and_large_enough_and_nothing_drags(figures, name):
    spec = figures[name].to_dict()
    layout = spec["layout"]
    assert layout["dragmode"] is False  # a finger's swipe over the chart scrolls the page
    assert layout["font"]["color"] == TEXT and layout["legend"]["font"]["color"] == TEXT
    axes = [key for key in layout if key.rstrip("0123456789") in ("xaxis", "yaxis")]
    assert {"xaxis", "yaxis"} <= set(axes)
    for key in axes:  # Streamlit's theme would grey these (3.7:1) if the figure did not say otherwise
        axis = layout[key]
        assert axis["fixedrange"] is True, key
        assert axis["tickfont"]["color"] == TEXT and axis["title"]["font"]["color"] == TEXT, key
    shown = {key: value for key, value in layout.items() if key != "template"}  # the template's defaults for traces not drawn
    for font, owner in fonts([spec["data"], shown, spec.get("frames", [])]):
        assert font.get("size", MIN_TEXT_PX) >= MIN_TEXT_PX, (font, owner.get("text"))
        if "color" in font and contrast_on_white(font["color"]) < 4.5:  # coloured words: large and bold, and 3:1
            assert contrast_on_white(font["color"]) >= 3 and font.get("size", 0) >= LARGE_BOLD_PX, font
            assert "<b>" in str(owner.get("text")), owner.get("text")
