"""How much English is left on each page in Chinese and in Japanese: the share of a page's visible letters and
characters that are English words (names kept in every language, such as LSTM and MNIST, aside), and those words.

    python bench/bench_languages.py [--screen desktop] [--languages zh ja]

Opens every page by a `?lang=` link in Chromium, as a class would, and reads its visible text, charts included
(harness/languages.py). The target is none; tests/test_browser_languages.py fails on any English word left. Prints
one line per page and language.
"""

import argparse
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from harness.browser import PAGE_TIMEOUT_MS, chromium, wait_until_settled  # noqa: E402
from harness.languages import english_share, english_words, visible_text  # noqa: E402
from harness.layout import SCREENS  # noqa: E402
from harness.server import streamlit_server  # noqa: E402
from tests.training_runs import a_finished_run  # noqa: E402

PAGES = {"read": "", "lesson": "lesson", "inside": "inside", "race": "race", "wall": "wall", "train": "train", "about": "about"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screen", default="desktop", choices=list(SCREENS))
    parser.add_argument("--languages", nargs="+", default=["zh", "ja"])
    arguments = parser.parse_args()
    runs = Path(tempfile.mkdtemp(prefix="bench-languages-"))
    a_finished_run(runs)
    with streamlit_server(env={"ROW_READER_RUNS": str(runs)}) as (url, _, _), chromium() as browser:
        for language in arguments.languages:
            for name, path in PAGES.items():
                tab = browser.new_context(**SCREENS[arguments.screen]).new_page()
                tab.set_default_timeout(PAGE_TIMEOUT_MS)
                tab.goto(f"{url}/{path}?lang={language}")
                tab.locator("[data-testid=stMain] h1").first.wait_for()
                wait_until_settled(tab)
                texts = visible_text(tab)
                left = sorted(set(english_words(texts)))
                print(f"{language} {name:7} English {english_share(texts):6.2%} of {sum(map(len, texts)):5} characters  {left[:12]}")
                tab.context.close()


if __name__ == "__main__":
    main()
