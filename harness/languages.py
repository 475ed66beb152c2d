"""How much of a page is still in English when it is shown in Chinese or Japanese: what a reader of the page would
meet that they were not given in their language.

A page's visible text (its HTML and its charts', as harness/layout.py reads it) is cut into runs of Latin letters;
the names a page keeps in every language (NAMES) and what a person typed (a nickname) are set aside, and what is
left is English still on the page. `english_share` is its share of the page's letters, for the benchmark.
"""

import re

from harness.layout import VISIBLE_TEXT
from training.presets import PRESETS

# Kept as they are in every language: the product's name, the model kinds, the data set, tools and devices, the
# picker's own names for the languages, and units.
NAMES = {
    "Row", "Reader", "LSTM", "RNN", "GRU", "MNIST", "Keras", "TensorFlow", "JAX", "GPU", "CPU", "EN", "English", "QR",
    "px", "ms", "min", "KB", "MB", "GB", "ID", "OK", "URL", "PNG", "JPG", "JPEG", "keras", "http", "https", "Wi-Fi",
    "README", "Morvan", "morvan", "Qiita", "qiita", "choose-one",  # the example password, as it is typed
    "epoch",  # glossed where it is first met, 一轮（epoch）, as Chinese and Japanese ML texts do: a word learners meet again
    "Long", "Short-Term", "Memory", "long", "short-term", "memory",  # LSTM's name spelled out, beside its own words
    "dropout", "Adam", "Zhou",  # a method's and an optimiser's names, kept by Chinese ML texts; a tutorial's author
}  # fmt: skip
RECIPES = set(PRESETS)  # the recipes' names, shown as the command line takes them (--preset lesson)
LATIN = re.compile(r"[A-Za-z][A-Za-z'’-]+")  # a word: one letter alone is a symbol (h, c, N), kept in every language
ADDRESS = re.compile(r"https?://\S+|\b[\w.-]+\.(?:keras|png|jpe?g)\b|\b\d+(?:\.\d+){3}(?::\d+)?\S*")


# What a person reads or hears of the page: harness/layout.py's visible text, and what is there for screen readers
# alone; without the icons' names (Material icons are words drawn as pictures, marked translate="no") or code (a
# command to type is the same in every language).
SEEN_OR_HEARD = VISIBLE_TEXT.replace("'.rr-visually-hidden, style, script, [inert]'", "'style, script, [inert], [translate=no], code, pre'")


def visible_text(page, selector: str = "body") -> list[str]:
    return [piece["words"] for piece in page.evaluate(SEEN_OR_HEARD, selector)]


def english_words(texts: list[str], kept: set[str] = frozenset()) -> list[str]:
    """The runs of Latin letters in `texts` that are neither NAMES, nor `kept` (what a person typed), nor addresses."""
    left = []
    for text in texts:
        for word in LATIN.findall(ADDRESS.sub(" ", text)):
            if word.strip("'’-") not in NAMES | RECIPES and word not in kept:
                left.append(word)
    return left


def english_share(texts: list[str], kept: set[str] = frozenset()) -> float:
    """English letters left, as a share of all the letters and characters of the page's words (spaces aside)."""
    total = sum(len(re.sub(r"\s", "", text)) for text in texts)
    return sum(len(word) for word in english_words(texts, kept)) / total if total else 0.0
