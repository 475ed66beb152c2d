"""The "Look inside" computations on small fixtures, checked against direct loops; the report's file round trip."""

import os

import numpy as np
import pytest

from model.config import NUM_CLASSES, ROWS
from model.insight import (
    balanced_choice,
    blank_guesses,
    blank_probabilities,
    class_accuracy,
    class_moments,
    confusion_matrix,
    driving_digits,
    first_ink_rows,
    first_row_reaching,
    fit_projection,
    known_by_rows,
    known_from,
    mean_and_std,
    nearest_own_centre,
    row_importance,
    selective_units,
    settled_row,
    unit_activity,
)
from model.report import (
    REPORT_VERSION,
    ReportError,
    build_report,
    load_report,
    read_report,
    report_path,
    save_report,
)
from model.storage import DEFAULT_MODEL_PATH
from model.weights import ReaderWeights, RecurrentWeights, weights_fingerprint
from model.xray import hidden_states, read_digit, replay_batches, step_probabilities
from tests.random_models import blank_guesser, shipped_map_digits

SHIPPED_REPORT = report_path(DEFAULT_MODEL_PATH)


def tiny_weights(seed: int = 0, units: int = 8, layers: int = 2, projection: int = 12) -> ReaderWeights:
    """A small random reader built in numpy: the computations only need its shapes and some variety."""
    rng = np.random.default_rng(seed)

    def normal(scale, *shape):
        return rng.normal(0, scale, shape).astype(np.float32)

    lstm, inputs = [], projection
    for _ in range(layers):
        lstm.append(RecurrentWeights("lstm", normal(0.5, inputs, 4 * units), normal(0.5, units, 4 * units), normal(0.1, 4 * units)))
        inputs = units
    return ReaderWeights((normal(0.3, 28, projection), normal(0.1, projection)), tuple(lstm), (normal(1.0, units, 10), normal(0.1, 10)))


@pytest.fixture(scope="module")
def weights():
    return tiny_weights()


@pytest.fixture(scope="module")
def digits():
    """60 uint8 'digits' of random ink with blank rows at the top and bottom, as in MNIST; labels 0..9 in turn."""
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (60, 28, 28), dtype=np.uint8)
    images[:, :4] = 0
    images[:, 25:] = 0
    images[images < 150] = 0  # mostly background
    return images, (np.arange(60) % 10).astype(np.uint8)


@pytest.fixture(scope="module")
def shipped():
    pytest.importorskip("keras")
    from model.storage import load_model

    return load_model()


@pytest.fixture(scope="module")
def top_hidden(weights, digits):
    return hidden_states(weights, digits[0] / np.float32(255))[-1]  # (60, 28, 8)


def softmax_noise(rng, shape):
    logits = rng.normal(0, 2, shape)
    return np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)


# -- the x-ray, in batches --


def test_replay_batches_and_hidden_states_agree_with_reading_one_digit_at_a_time(weights, digits):
    images = digits[0][:11] / np.float32(255)
    batches = list(replay_batches(weights, images, batch_size=4))
    assert [start for start, _, _ in batches] == [0, 4, 8]
    np.testing.assert_allclose(np.concatenate([probs for _, probs, _ in batches]), step_probabilities(weights, images), atol=1e-6)
    hidden = hidden_states(weights, images)
    assert [layer.shape for layer in hidden] == [(11, ROWS, 8), (11, ROWS, 8)]
    for index in (0, 7, 10):
        np.testing.assert_allclose(np.stack([layer[index] for layer in hidden]), read_digit(weights, images[index]).hidden, atol=1e-6)


# -- accuracy --


def test_known_after_k_rows_matches_a_direct_loop():
    """Known after k rows: right after row k and at every row after it, and row k at or after the first row of ink."""
    rng = np.random.default_rng(2)
    step_probs = softmax_noise(rng, (37, ROWS, NUM_CLASSES))
    labels = rng.choice([0, 1, 2, 3, 5, 6, 7, 8, 9], 37)  # no 4s: its row must be NaN
    step_probs[:20, 9:, labels[:20]] = 2.0  # a third right from row 10 on, another third right from the start...
    step_probs[np.arange(20, 30)[:, None], np.arange(ROWS), labels[20:30, None]] = 2.0
    first_ink = rng.integers(0, 12, 37)  # ...but their ink starts anywhere from row 1 to 12
    first_ink[0] = ROWS  # and one is blank
    overall, per_class = known_by_rows(step_probs, labels, first_ink)
    assert overall.shape == (ROWS,) and per_class.shape == (NUM_CLASSES, ROWS)
    answers = step_probs.argmax(axis=2)
    known = np.array([[k >= first_ink[i] and all(answers[i, k:] == labels[i]) for k in range(ROWS)] for i in range(37)])
    np.testing.assert_allclose(overall, known.mean(axis=0))
    assert 0 < overall[-1] < 1 and overall[0] < overall[12]  # some digits known, some never, and not before their ink
    for digit in set(labels):
        np.testing.assert_allclose(per_class[digit], known[labels == digit].mean(axis=0))
    assert np.isnan(per_class[4]).all()
    never = known_from(step_probs, labels, first_ink)
    assert never[0] == ROWS + 1 and set(never[20:30]) == set(first_ink[20:30] + 1)  # right all along: from its first ink


def test_first_ink_rows():
    images = np.zeros((3, ROWS, ROWS), np.uint8)
    images[0, 5, 10] = images[0, 20] = 1
    images[1, 0, 0] = 255
    np.testing.assert_array_equal(first_ink_rows(images), [5, 0, ROWS])  # the last one is blank
    assert first_ink_rows(images[0]) == 5


def test_confusion_matrix_counts_every_digit_once():
    rng = np.random.default_rng(3)
    labels, predicted = rng.integers(0, 10, 500), rng.integers(0, 10, 500)
    predicted[:300] = labels[:300]
    confusion = confusion_matrix(labels, predicted)
    assert confusion.shape == (NUM_CLASSES, NUM_CLASSES) and confusion.sum() == 500
    assert np.trace(confusion) == (labels == predicted).sum()
    np.testing.assert_array_equal(confusion.sum(axis=1), np.bincount(labels, minlength=10))  # rows are the true digits
    np.testing.assert_array_equal(confusion.sum(axis=0), np.bincount(predicted, minlength=10))
    assert confusion_matrix([3], [5])[3, 5] == 1
    np.testing.assert_allclose(class_accuracy(confusion), [np.mean(predicted[labels == d] == d) for d in range(10)])


def test_balanced_choice_takes_evenly_from_each_class():
    labels = np.repeat(np.arange(10), 30)[np.random.default_rng(4).permutation(300)]
    labels[labels == 9] = 8  # no 9s, 60 eights
    chosen = balanced_choice(labels, 5)
    assert np.all(np.diff(chosen) > 0)
    np.testing.assert_array_equal(np.bincount(labels[chosen], minlength=10), [5] * 9 + [0])
    assert len(balanced_choice(labels, 1000)) == 300  # never more than there are


# -- the hidden-state map --


def test_projection_shape_determinism_and_sign(top_hidden):
    projection = fit_projection(top_hidden)
    assert projection.mean.shape == (8,) and projection.components.shape == (2, 8) and projection.explained.shape == (2,)
    assert projection.project(top_hidden).shape == (60, ROWS, 2)
    assert projection.project(top_hidden[0, 5]).shape == (2,)
    again = fit_projection(top_hidden.copy())
    for name in ("mean", "components", "explained"):
        np.testing.assert_array_equal(getattr(again, name), getattr(projection, name))
    for component in projection.components:
        assert component[np.abs(component).argmax()] > 0  # the sign convention
    np.testing.assert_allclose(projection.components @ projection.components.T, np.eye(2), atol=1e-5)
    flipped = fit_projection(-top_hidden)  # same directions, opposite signs from SVD: the convention undoes it
    np.testing.assert_allclose(flipped.components, projection.components, atol=1e-5)


def test_projection_is_the_top_of_the_covariance_spectrum(top_hidden):
    projection = fit_projection(top_hidden)
    flat = top_hidden.reshape(-1, 8).astype(np.float64)
    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(flat, rowvar=False))
    np.testing.assert_allclose(projection.mean, flat.mean(axis=0), atol=1e-6)
    np.testing.assert_allclose(projection.explained, eigenvalues[::-1][:2] / eigenvalues.sum(), rtol=1e-4)
    for component, eigenvector in zip(projection.components, eigenvectors[:, ::-1].T, strict=False):
        assert abs(component @ eigenvector) == pytest.approx(1.0, abs=1e-4)


def test_projecting_the_fitted_mean_gives_the_origin(top_hidden):
    projection = fit_projection(top_hidden)
    np.testing.assert_array_equal(projection.project(projection.mean), [0.0, 0.0])
    np.testing.assert_allclose(projection.project(top_hidden).reshape(-1, 2).mean(axis=0), [0, 0], atol=1e-5)


def test_projection_of_a_subsample_is_deterministic(top_hidden):
    first, second = fit_projection(top_hidden, max_states=100), fit_projection(top_hidden, max_states=100)
    np.testing.assert_array_equal(first.components, second.components)
    assert first.components.shape == (2, 8)


def test_projection_of_a_single_unit_layer_keeps_two_columns():
    projection = fit_projection(np.random.default_rng(5).normal(size=(10, ROWS, 1)))
    assert projection.components.shape == (2, 1) and projection.components[1, 0] == 0


# -- the unit inspector --


def test_unit_activity_matches_a_direct_computation(weights, digits):
    labels = digits[1].copy()
    labels[labels == 6] = 2  # no 6s
    hidden = hidden_states(weights, digits[0] / np.float32(255))[0]  # bottom layer, (60, 28, 8)
    mean, std = unit_activity(hidden, labels)
    assert mean.shape == std.shape == (NUM_CLASSES, ROWS, 8)
    for digit in (0, 2, 9):
        for unit in (0, 7):
            values = hidden[labels == digit, :, unit]  # (members, 28)
            np.testing.assert_allclose(mean[digit, :, unit], values.mean(axis=0), atol=1e-6)
            np.testing.assert_allclose(std[digit, :, unit], values.std(axis=0), atol=1e-5)
    assert np.isnan(mean[6]).all()
    halves = [class_moments(hidden[part], labels[part]) for part in (slice(0, 23), slice(23, None))]
    summed = [a + b for a, b in zip(*halves, strict=True)]
    for whole, from_halves in zip((mean, std), mean_and_std(*summed), strict=True):
        np.testing.assert_allclose(from_halves, whole, atol=1e-6)


def test_driving_digits_are_the_highest_peaks(top_hidden):
    peaks = top_hidden.max(axis=1)  # (60, 8)
    top = driving_digits(peaks, 6)
    assert top.shape == (8, 6)
    for unit in range(8):
        np.testing.assert_array_equal(top[unit], np.argsort(peaks[:, unit])[::-1][:6])


# -- row importance --


def test_selective_units_prefer_a_unit_that_fires_for_one_digit_over_one_that_fires_for_all():
    unit_mean = np.zeros((NUM_CLASSES, ROWS, 4))
    unit_mean[:, :, 0] = 0.9  # every digit
    unit_mean[7, -5:, 1] = 0.8  # only 7s, late
    unit_mean[7, :3, 2] = 0.9  # only 7s, but early: not what the answer rests on
    unit_mean[[1, 7], -5:, 3] = 0.6  # 7s and 1s
    assert selective_units(unit_mean, 7, count=1)[0] == 1
    assert selective_units(unit_mean, 7, count=4)[-1] == 3  # 0.6 for 7s minus 0.6 for 1s: no preference at all


def test_settled_row_is_where_the_answer_stops_changing():
    probs = np.full((ROWS, NUM_CLASSES), 0.05)
    probs[:, 3] = 0.5  # 3 from the start...
    assert settled_row(probs) == 1
    probs[10:, 8] = 0.6  # ...until row 11, where 8 takes over for good
    assert settled_row(probs) == 11
    probs[27, 8], probs[27, 5] = 0.0, 0.9  # changes its mind at the very last row
    assert settled_row(probs) == ROWS


def test_settled_row_counts_from_the_first_row_of_ink():
    probs = np.full((ROWS, NUM_CLASSES), 0.05)
    probs[:, 4] = 0.5  # 4 on every row, the blank ones too
    image = np.zeros((ROWS, ROWS), np.float32)
    image[6:20, 10:14] = 1.0  # ink from row 7
    assert settled_row(probs) == 1 and settled_row(probs, image) == 7
    probs[10:, 8] = 0.6  # a change after the ink starts still counts
    assert settled_row(probs, image) == 11
    assert settled_row(probs, np.zeros((ROWS, ROWS))) == ROWS  # a blank picture is never read


def test_nearest_own_centre_tells_apart_digits_from_a_tangle():
    rng = np.random.default_rng(4)
    labels = np.repeat(np.arange(NUM_CLASSES), 30)
    apart = np.stack([np.cos(labels), np.sin(labels)], axis=1) * 10 + rng.normal(0, 0.5, (300, 2))
    share, per_digit = nearest_own_centre(apart, labels)
    assert share == 1.0 and (per_digit == 1.0).all()
    tangle = rng.normal(0, 1, (300, 2))
    share, per_digit = nearest_own_centre(tangle, labels)
    assert share < 0.4 and per_digit.shape == (NUM_CLASSES,)
    mixed = apart.copy()
    mixed[labels == 3] = apart[labels == 5]  # 3s end where 5s do
    share, per_digit = nearest_own_centre(mixed, labels)
    assert per_digit[3] + per_digit[5] == pytest.approx(1.0, abs=0.1) and per_digit[0] == 1.0
    assert np.isnan(nearest_own_centre(apart[labels != 4], labels[labels != 4])[1][4])


def test_first_row_reaching():
    accuracy = np.linspace(0.1, 1.0, ROWS)
    assert first_row_reaching(accuracy, 0.1) == 1
    assert first_row_reaching(accuracy, 1.0) == ROWS
    assert first_row_reaching(accuracy * 0.5, 0.9) is None
    assert first_row_reaching(np.full(ROWS, np.nan), 0.5) is None


def test_row_importance_of_a_blank_row_is_exactly_zero(weights, digits):
    image = digits[0][0] / np.float32(255)
    importance = row_importance(weights, image)
    blank = ~image.any(axis=1)
    assert blank.sum() == 7
    assert np.all(importance.change[blank] == 0.0) and np.all(importance.log_odds_change[blank] == 0.0)
    assert np.all(importance.change[~blank] != 0.0)
    assert importance.digit == read_digit(weights, image).digit


def test_row_importance_is_the_answer_read_again_without_that_row(weights, digits):
    image = digits[0][3] / np.float32(255)
    importance = row_importance(weights, image)
    reading = read_digit(weights, image)
    assert importance.probability == pytest.approx(reading.confidence, abs=1e-6)
    for row in (5, 12, 20):
        blanked = image.copy()
        blanked[row] = 0
        p = read_digit(weights, blanked).step_probs[-1].astype(np.float64)
        assert importance.change[row] == pytest.approx(p[importance.digit] - importance.probability, abs=1e-6)
        odds = np.log(p[importance.digit] / (1 - p[importance.digit])) - np.log(importance.probability / (1 - importance.probability))
        assert importance.log_odds_change[row] == pytest.approx(odds, abs=1e-3)


def test_a_drawn_sevens_bar_holds_up_its_answer(shipped):
    from harness.drawn_digits import draw_seven
    from model.preprocess import preprocess

    image = preprocess(draw_seven()).image
    importance = row_importance(shipped.weights, image)
    assert importance.digit == 7
    bar = int(image.sum(axis=1).argmax())  # the row with the most ink: the top stroke
    assert importance.change[bar] < 0 and importance.log_odds_change[bar] < -0.3
    blank = ~image.any(axis=1)
    assert np.all(importance.change[blank] == 0.0)


# -- the report --


@pytest.fixture(scope="module")
def small_report(weights, digits):
    return build_report(weights, *digits)


def test_report_holds_what_the_page_shows(small_report, weights, digits):
    images, labels = digits
    report = small_report
    final = step_probabilities(weights, images / np.float32(255))[:, -1]
    np.testing.assert_array_equal(report.predicted, final.argmax(axis=1))
    np.testing.assert_allclose(report.confidence, final.max(axis=1), atol=1e-6)
    assert report.test_accuracy == pytest.approx(np.mean(final.argmax(axis=1) == labels))
    np.testing.assert_array_equal(report.misread, np.flatnonzero(final.argmax(axis=1) != labels))
    assert report.confusion.sum() == 60
    assert report.map_paths.shape == (len(report.map_index), ROWS, 2) and len(report.map_index) == 60  # 6 a class < 50
    assert report.unit_mean.shape == report.unit_std.shape == (2, NUM_CLASSES, ROWS, 8)
    assert report.driving_index.shape == (2, 8, 6)
    kept = np.concatenate([report.misread, report.map_index, report.driving_index.ravel()])
    assert set(report.image_index) == set(kept)
    np.testing.assert_array_equal(report.image(int(report.image_index[-1])), images[report.image_index[-1]] / np.float32(255))
    assert report.fingerprint == weights_fingerprint(weights) != weights_fingerprint(tiny_weights(seed=1))


def test_report_round_trips_through_its_file(small_report, tmp_path):
    path = report_path(tmp_path / "tiny.keras")
    assert path.name == "tiny.report.npz"
    save_report(small_report, path)
    assert os.listdir(tmp_path) == ["tiny.report.npz"]  # no temporary file left behind
    loaded = read_report(path)
    assert loaded.fingerprint == small_report.fingerprint
    for name in ("labels", "predicted", "confidence", "confusion", "known_by_rows", "class_known_by_rows", "blank_probs",
                 "map_index", "map_paths", "unit_mean", "unit_std", "driving_index", "image_index", "images"):  # fmt: skip
        np.testing.assert_array_equal(getattr(loaded, name), getattr(small_report, name), err_msg=name)
        assert getattr(loaded, name).dtype == getattr(small_report, name).dtype, name
    for name in ("mean", "components", "explained"):
        np.testing.assert_array_equal(getattr(loaded.projection, name), getattr(small_report.projection, name))


def test_a_stale_report_is_not_loaded(small_report, weights, tmp_path):
    model_path = tmp_path / "model.keras"
    save_report(small_report, report_path(model_path))
    assert load_report(model_path, weights) is not None
    assert load_report(model_path, tiny_weights(seed=1)) is None  # the model was retrained in place
    assert load_report(tmp_path / "other.keras", weights) is None  # no report at all


def damaged_copies(path):
    """(why, bytes) of report files that must be refused."""
    data = path.read_bytes()
    yield "empty", b""
    yield "not a zip", b"this is not a report"
    for fraction in (0.1, 0.5, 0.9, 0.999):
        yield f"truncated at {fraction}", data[: int(len(data) * fraction)]
    flipped = bytearray(data)
    flipped[len(data) // 2 : len(data) // 2 + 64] = bytes(64)
    yield "zeros in the middle", bytes(flipped)


def test_a_corrupt_report_is_refused_with_a_reason(small_report, weights, tmp_path):
    good = tmp_path / "good.report.npz"
    save_report(small_report, good)
    model_path = tmp_path / "model.keras"
    for why, data in damaged_copies(good):
        report_path(model_path).write_bytes(data)
        with pytest.raises(ReportError, match="model.report.npz"):
            read_report(report_path(model_path))
        assert load_report(model_path, weights) is None, why
    np.save(tmp_path / "array.npy", np.zeros(3))
    with pytest.raises(ReportError):
        read_report(tmp_path / "array.npy")


def rewritten(path, **changes):
    with np.load(path) as archive:
        arrays = {key: archive[key] for key in archive.files}
    arrays |= changes
    for key in [key for key, value in changes.items() if value is None]:
        del arrays[key]
    np.savez_compressed(path, **arrays)


def test_an_old_or_inconsistent_report_is_refused(small_report, tmp_path):
    path = tmp_path / "x.report.npz"
    cases = [
        ({"format_version": np.int64(REPORT_VERSION - 1)}, "format"),
        ({"format_version": np.str_("one")}, "format"),
        ({"format_version": None}, "format"),
        ({"unit_std": None}, "lacks unit_std"),
        ({"map_paths": np.zeros((3, ROWS, 2), np.float32)}, "map_paths"),
        ({"images": np.zeros((1, 28, 28), np.uint8)}, "images"),
    ]
    for changes, message in cases:
        save_report(small_report, path)
        rewritten(path, **changes)
        with pytest.raises(ReportError, match=message):
            read_report(path)


def test_the_cli_writes_a_report_beside_the_model(tiny_idx_dir, tmp_path, capsys):
    pytest.importorskip("keras")
    from model.config import ModelConfig
    from model.network import build_model
    from model.report import main
    from model.storage import load_model, save_model

    model_path = tmp_path / "small.keras"
    save_model(build_model(ModelConfig(projection_units=16, layers=1, units=16)), model_path)
    assert main(["--model", str(model_path), "--data-dir", str(tiny_idx_dir)]) == 0
    assert "built in" in capsys.readouterr().out
    report = load_report(model_path, load_model(model_path).weights)
    assert report is not None and len(report.labels) == 50
    assert main(["--model", str(tmp_path / "missing.keras"), "--data-dir", str(tiny_idx_dir)]) == 2


# -- the report that ships --


def test_the_shipped_report_matches_the_shipped_model(shipped):
    assert SHIPPED_REPORT.is_file(), "run: python -m model.report --data-dir ../shared/mnist"
    assert SHIPPED_REPORT.stat().st_size < 3_000_000
    report = read_report(SHIPPED_REPORT)
    assert report.fingerprint == weights_fingerprint(shipped.weights), "stale: rebuild with python -m model.report"
    assert load_report(DEFAULT_MODEL_PATH, shipped.weights) is not None
    assert len(report.labels) == 10_000
    assert report.test_accuracy == pytest.approx(shipped.metadata["test_accuracy"], abs=0.001)  # numpy replay vs Keras
    assert report.known_by_rows[-1] == pytest.approx(report.test_accuracy)  # every test digit has ink
    assert report.known_by_rows[0] == 0  # one blank row says nothing
    np.testing.assert_allclose(report.blank_probs, blank_probabilities(shipped.weights), atol=1e-6)
    assert np.bincount(report.labels[report.map_index], minlength=10).tolist() == [50] * 10
    assert report.image(int(report.misread[0])) is not None


def test_the_shipped_report_agrees_with_mnist(shipped, mnist_dir):
    from model.mnist import load_mnist

    mnist = load_mnist(mnist_dir)
    report = read_report(SHIPPED_REPORT)
    np.testing.assert_array_equal(report.labels, mnist.y_test)
    np.testing.assert_array_equal(report.images, mnist.x_test[report.image_index])
    some = np.concatenate([np.arange(200), report.misread])
    final = step_probabilities(shipped.weights, mnist.x_test[some] / np.float32(255))[:, -1]
    np.testing.assert_array_equal(report.predicted[some], final.argmax(axis=1))
    on_map = report.map_index[:20]
    top = hidden_states(shipped.weights, mnist.x_test[on_map] / np.float32(255))[-1]
    np.testing.assert_allclose(report.projection.project(top), report.map_paths[:20], atol=1e-4)


# -- a model that answers 4 on blank rows: no credit before ink --


@pytest.fixture(scope="module")
def real_digits():
    return shipped_map_digits()


@pytest.fixture(scope="module")
def blank_four(shipped):
    return blank_guesser(shipped.weights, 4)


def test_a_model_that_answers_4_on_blank_rows_is_not_credited_with_reading_4s_there(blank_four, real_digits):
    images, labels = real_digits
    probs = step_probabilities(blank_four, images / np.float32(255))
    assert np.mean(probs[:, -1].argmax(axis=1) == labels) > 0.95  # real digits still read right
    assert blank_guesses(blank_probabilities(blank_four), ROWS) == [4]  # its guess on every blank row
    ink, fours = first_ink_rows(images), labels == 4
    assert (probs[fours, :4].argmax(axis=2) == 4).mean() > 0.95  # "right" about 4s after 4 blank rows, as the old measure said
    late = fours & (ink >= 4)  # 4s whose ink starts at row 5 or later
    assert late.sum() > 20 and (known_from(probs, labels, ink)[late] > 4).all()  # none known after row 4
    _, per_class = known_by_rows(probs, labels, ink)
    assert (per_class[4, : ink[fours].min()] == 0).all()  # no 4 is known before the first 4's ink
    assert per_class[4, -1] == pytest.approx(np.mean(probs[fours, -1].argmax(axis=1) == 4))


def test_settled_row_of_a_4_read_as_4_from_its_blank_rows_counts_from_its_ink(blank_four, real_digits):
    images, labels = real_digits
    fours = np.flatnonzero(labels == 4)
    probs = step_probabilities(blank_four, images[fours] / np.float32(255))
    ink = first_ink_rows(images[fours])
    settled = np.array([settled_row(p, image) for p, image in zip(probs, images[fours], strict=True)])
    assert (settled >= ink + 1).all()
    assert any(settled_row(p) < row for p, row in zip(probs, ink + 1, strict=True))  # the old count said "settled" on blank rows


def test_the_report_of_a_model_that_answers_4_on_blank_rows(blank_four, real_digits):
    images, labels = real_digits
    report = build_report(blank_four, images, labels)
    assert blank_guesses(report.blank_probs, ROWS) == [4]
    assert report.known_by_rows[0] == 0 and report.class_known_by_rows[4, 3] < 0.1
    assert report.known_by_rows[-1] == pytest.approx(report.test_accuracy)
