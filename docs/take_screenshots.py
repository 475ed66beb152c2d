"""Take the README's screenshots: the main view, a phone, presenter mode and its join card, a sample mid-reading, Look
inside, the class wall, a race on a phone, every step of the guided lesson on a projector and a phone, four pages in
Chinese and Japanese, the Train page mid-run.

Tabs ask for reduced motion, so that a reading is pictured where it was put, not where its playing by itself got to.

MNIST_DIR=<MNIST folder> python docs/take_screenshots.py [--out docs/screenshots]   (without MNIST_DIR, the Train page is skipped)
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.browser import (  # noqa: E402
    CANVAS,
    CELL_ON_SCREEN,
    chromium,
    draw_digit,
    open_app,
    open_view,
    start_training,
    wait_for_animation,
    wait_for_reading,
    wait_for_training,
    wait_until_settled,
)
from harness.layout import SCREENS  # noqa: E402
from harness.race import race_one_digit, wait_for_race  # noqa: E402
from harness.server import streamlit_server  # noqa: E402
from model.samples import load_samples  # noqa: E402
from views.lesson_steps import STEPS  # noqa: E402
from views.parts.sharing import NICKNAME_LABEL, ON_THE_WALL, SHARE_BUTTON  # noqa: E402

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
STILL_AT = "!seen.moving && seen.row === arg"
STILL = "reduce"  # the browser's reduced motion: no reading plays by itself


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=SCREENSHOTS, help=f"folder for the pictures (default: {SCREENSHOTS})")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    sample = next(s for s in load_samples().values() if s.label == 9 and not s.misread)
    with streamlit_server() as (url, _, _), chromium() as browser:
        page = open_app(browser, url, viewport={"width": 1440, "height": 1560}, reduced_motion=STILL)
        draw_digit(page, "7")
        wait_for_reading(page, "!seen.moving")
        wait_until_settled(page)
        page.screenshot(path=out / "main-view.png")
        look_inside(page, out)

        page.goto(f"{url}/?sample={sample.index}")
        wait_for_reading(page, STILL_AT, 28)
        for row in range(27, 13, -1):  # from the whole reading back to row 14
            page.get_by_role("button", name="Row back").click()
            wait_for_reading(page, STILL_AT, row)
        page.screenshot(path=out / "sample-mid-reading.png")

        phone(browser, url, out)
        presenter = browser.new_page(viewport={"width": 1920, "height": 1750}, reduced_motion=STILL)
        presenter.goto(f"{url}/?sample={sample.index}&present=true")
        wait_for_reading(presenter, "!seen.moving")
        wait_until_settled(presenter)
        presenter.screenshot(path=out / "presenter-mode.png")
        three_readers(presenter, url, sample, out)
        join_card(browser, url, out)
        class_wall(browser, url, out)
        race_on_a_phone(browser, url, out)
        lesson(browser, url, out)  # after the wall and the race: it follows the class's newest digit, and shows its races
        languages(browser, url, out)
        if os.environ.get("MNIST_DIR"):
            train_page(browser, out)
    print(f"screenshots in {out}")


def phone(browser, url: str, out: Path) -> None:
    """A 7 drawn with a finger on a phone 390 px wide, the whole page in one picture (a screen as tall as the page)."""
    context = browser.new_context(viewport={"width": 390, "height": 3000}, has_touch=True, is_mobile=True, reduced_motion=STILL)
    page = context.new_page()
    page.goto(url)
    page.locator(CANVAS).wait_for(timeout=60_000)
    wait_until_settled(page)
    draw_digit(page, "7", touch=True)
    wait_for_reading(page, STILL_AT, 28)
    wait_until_settled(page)
    page.evaluate("document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")  # drawing may have scrolled it
    page.screenshot(path=out / "phone.png")
    context.close()


def join_card(browser, url: str, out: Path) -> None:
    """Join, pressed on a 1280x720 projector in presenter mode: the address students open and its QR code."""
    page = browser.new_page(viewport={"width": 1280, "height": 720}, reduced_motion=STILL)
    page.goto(f"{url}/?present=true")
    page.locator(CANVAS).wait_for(timeout=60_000)
    wait_until_settled(page)
    page.get_by_role("button", name="Join", exact=True).click()
    page.locator("[role=dialog] .rr-join-address, [role=dialog] [data-testid=stAlert]").first.wait_for(timeout=60_000)
    wait_until_settled(page)
    page.screenshot(path=out / "join-card-projector.png")


NICKNAMES = ("Ana", "", "Sam", "Noor", "", "Leo", "Mia", "", "Kai", "Zoe", "", "Ravi")


def class_wall(browser, url: str, out: Path) -> None:
    """Twelve gallery digits shared from the Read page by twelve students (two misread; one browser shares once every few
    seconds), then the wall on a 1280x720 projector."""
    samples = list(load_samples().values())
    shared = [s for s in samples if s.misread][:2] + [s for s in samples if not s.misread][::4][:10]
    for sample, nickname in zip(shared, NICKNAMES, strict=True):
        student = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()  # a student each, as in class
        student.goto(f"{url}/?sample={sample.index}")
        student.get_by_label(NICKNAME_LABEL, exact=True).fill(nickname)
        student.get_by_role("button", name=SHARE_BUTTON).click()
        student.get_by_text(ON_THE_WALL).wait_for(timeout=60_000)
        student.context.close()
    wall = browser.new_page(viewport={"width": 1280, "height": 720})
    wall.goto(f"{url}/wall?present=true")
    wall.get_by_text(f"{len(shared)} digits, ", exact=False).wait_for(timeout=60_000)
    wait_until_settled(wall)
    wall.screenshot(path=out / "wall-projector.png")


def lesson(browser, url: str, out: Path) -> None:
    """Every step of the guided lesson on a 1280x720 projector in presenter mode, stepped with the arrow keys, and on
    a phone, scrolled to the step's question and view."""
    projector = browser.new_page(viewport={"width": 1280, "height": 720}, reduced_motion=STILL)
    phone = browser.new_context(**SCREENS["phone"], reduced_motion=STILL).new_page()
    projector.goto(f"{url}/lesson?present=true")
    for number, step in enumerate(STEPS, start=1):
        projector.get_by_role("heading", name=f"{number}. {step.title}", exact=True).wait_for(timeout=60_000)
        wait_until_settled(projector)
        projector.screenshot(path=out / f"lesson-{number}-projector.png")
        projector.keyboard.press("ArrowRight")
        phone.goto(f"{url}/lesson?step={number}")
        phone.get_by_role("heading", name=f"{number}. {step.title}", exact=True).wait_for(timeout=60_000)
        wait_until_settled(phone)
        phone.locator(".st-key-lesson-question").evaluate("box => box.scrollIntoView({block: 'start'})")
        phone.screenshot(path=out / f"lesson-{number}-phone.png")
    projector.close()
    phone.context.close()


def languages(browser, url: str, out: Path) -> None:
    """The README's four pictures in Chinese and Japanese: the lesson's step 4 and Look inside on a projector in
    presenter mode, a 7 drawn on a phone, and a race half run on a phone."""
    projector = browser.new_page(viewport={"width": 1280, "height": 720}, reduced_motion=STILL)
    for address, name in (("lesson?step=4&lang=zh", "lesson-zh"), ("inside?lang=ja", "inside-ja")):
        projector.goto(f"{url}/{address}&present=true")
        projector.locator("[data-testid=stMain] h1").first.wait_for(timeout=60_000)
        wait_until_settled(projector)
        projector.screenshot(path=out / f"languages-{name}-projector.png")
    projector.close()
    phone = browser.new_context(**SCREENS["phone"], reduced_motion=STILL).new_page()
    phone.goto(f"{url}/?lang=zh")
    phone.locator(CANVAS).wait_for(timeout=60_000)
    wait_until_settled(phone)
    draw_digit(phone, "7", touch=True)
    wait_for_reading(phone, "!seen.moving")
    wait_until_settled(phone)
    phone.screenshot(path=out / "languages-read-zh-phone.png")
    phone.goto(f"{url}/race?lang=ja")
    wait_for_race(phone, "seen.phase === 'ready'")
    phone.locator(".race-action:visible").first.tap()  # the player's Start, whatever its language
    wait_for_race(phone, "seen.phase === 'racing' && seen.row >= arg", 12)
    phone.screenshot(path=out / "languages-race-ja-phone.png")
    phone.context.close()


def race_on_a_phone(browser, url: str, out: Path) -> None:
    """One digit of a race by touch on a phone: half uncovered, then the verdict beside the network's curve."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(f"{url}/race")
    wait_for_race(page, "seen.phase === 'ready'")
    wait_until_settled(page)
    race_one_digit(page, touch=True, shot=out / "race-phone")
    context.close()


def look_inside(page, out: Path) -> None:
    """After the drawn 7: the model report with the 4s read as 9 chosen, and the 7's path on the hidden-state map."""
    page.get_by_role("link", name="Look inside").click()
    page.get_by_role("heading", name="Look inside").wait_for(timeout=60_000)
    open_view(page, "Model report")
    page.mouse.click(*page.evaluate(CELL_ON_SCREEN, [0, 9, 4]))
    page.get_by_role("heading", name="4s read as 9").first.wait_for(timeout=60_000)
    wait_until_settled(page)
    page.screenshot(path=out / "inside-report.png")
    open_view(page, "Hidden-state map")
    wait_for_animation(page, "!seen.moving")
    page.screenshot(path=out / "inside-map.png")


def three_readers(page, url: str, sample, out: Path) -> None:
    """The same digit read by the shipped plain RNN in presenter mode, and Compare's "Why an LSTM?" measured contrast."""
    page.get_by_role("radiogroup", name="Reader").get_by_role("radio", name="Plain RNN").click()
    page.get_by_text("A plain RNN has no gates and no separate memory", exact=False).first.wait_for(timeout=60_000)
    wait_for_reading(page, "!seen.moving")
    wait_until_settled(page)
    page.screenshot(path=out / "reader-plain-rnn.png")
    page.get_by_role("radiogroup", name="Reader").get_by_role("radio", name="LSTM").click()
    wait_until_settled(page)
    page.goto(f"{url}/inside?present=true")
    page.get_by_role("heading", name="Look inside").wait_for(timeout=60_000)
    open_view(page, "Compare")
    why = page.get_by_role("heading", name="Why an LSTM?")
    why.wait_for(timeout=60_000)
    why.evaluate("heading => heading.scrollIntoView({block: 'start'})")  # the charts under it on the screen too
    wait_until_settled(page)
    top = max(why.bounding_box()["y"] - 16, 0)
    page.screenshot(path=out / "why-an-lstm.png", clip={"x": 0, "y": top, "width": 1920, "height": min(900, 1750 - top)})


def train_page(browser, out: Path) -> None:
    """A short run of the qiita recipe, caught when about half done, in a runs folder of its own."""
    with tempfile.TemporaryDirectory() as runs, streamlit_server(env={"ROW_READER_RUNS": runs}) as (url, _, _):
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        start_training(page, url, "qiita", {"Epochs": "4", "Use only the first N digits": "20000"})
        seen = wait_for_training(page, "seen.step > 300 && seen.points > 0", timeout=300_000)
        wait_for_training(page, "seen.points > arg.points", seen, timeout=300_000)  # the curves caught up with the bar
        page.screenshot(path=out / "train-running.png")
        page.get_by_role("button", name="Cancel run").click()
        page.get_by_text("Cancelled", exact=True).wait_for(timeout=120_000)


if __name__ == "__main__":
    main()
