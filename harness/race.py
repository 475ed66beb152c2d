"""Play Race the network in the browser, as a student does: start a digit, guess until right, wait for the verdict.

Every wait is on what the page shows or the player holds (its data- attributes), never on a fixed time.
"""

import re
from pathlib import Path

from harness.browser import PAGE_TIMEOUT_MS, wait_until_settled

# The player as the page shows it: its digit's key, phase, rows uncovered and whether the server has scored it.
RACE = """() => {
  const race = document.querySelector('.race[data-phase]');
  if (!race) return null;
  return {key: race.dataset.key, phase: race.dataset.phase, row: Number(race.dataset.row), done: race.dataset.done === 'true'};
}"""

# After a guess of digit `arg`: "wrong" once its button is marked, "done" once the digit is over (the player then moves
# beside its result, so for a moment there is none).
GUESSED = """(arg) => {
  const race = document.querySelector('.race[data-phase]');
  if (!race || race.dataset.phase !== 'racing') return 'done';
  return race.querySelector(`.race-key[data-digit='${arg}']`).classList.contains('race-wrong') ? 'wrong' : false;
}"""


def wait_for_race(page, condition: str, arg=None) -> dict:
    test = f"(arg) => {{ const seen = ({RACE})(); return seen && ({condition}) ? seen : false; }}"
    return page.wait_for_function(test, arg=arg, timeout=PAGE_TIMEOUT_MS).json_value()


def race_one_digit(page, *, touch: bool, shot: Path | None = None) -> None:
    """Start the digit, guess 0, 1, 2 ... until right, and wait for the server's verdict beside the curve.

    shot: screenshots at <shot>-mid-digit.png (12 rows in) and <shot>-result.png.
    """
    from playwright.sync_api import expect

    if touch:
        page.get_by_role("button", name="Start", exact=True).tap()
    else:
        page.keyboard.press("Enter")
    racing = wait_for_race(page, "seen.phase === 'racing'")
    if shot:  # a few rows in, as a student sees the digit half uncovered
        wait_for_race(page, "seen.phase === 'racing' && seen.row >= arg", 12)
        page.screenshot(path=shot.with_name(f"{shot.name}-mid-digit.png"))
    for digit in range(10):
        if touch:
            page.locator(f".race-key[data-digit='{digit}']").tap()
        else:
            page.keyboard.press(str(digit))
        if page.wait_for_function(GUESSED, arg=digit, timeout=PAGE_TIMEOUT_MS).json_value() == "done":
            break
    wait_for_race(page, "seen.done && seen.key === arg", racing["key"])
    expect(page.get_by_role("heading", name=re.compile(r"^You knew at row \d+.*the network (at row \d+|never did)"))).to_be_visible()
    page.locator(".js-plotly-plot").wait_for()
    wait_until_settled(page)
    if shot:
        page.screenshot(path=shot.with_name(f"{shot.name}-result.png"))
