"""The session's language: chosen by the browser's language, a `?lang=` link, or the picker on every page; kept for
the session while it moves between pages.

app.py calls `choose()` before anything is drawn. Every word on a page is then translated by `i18n._`, which asks
this module for the session's language (`i18n.read_language_from`), in whichever thread the script or a fragment
runs.
"""

import json

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import i18n
from i18n import LANGUAGES, _

LANGUAGE_KEY = "language"  # the session's language
ADDRESS_KEY = "lang"  # the address's ?lang=
PICKER_KEY = "language-picker"
SHORT = {"en": "EN", "zh": "中文", "ja": "日本語"}  # the picker's button: short, for a phone's row of links
# The picker's name in every language it offers: a reader lost in a language they do not read still finds it.
PICKER_HELP = "Language · 语言 · 言語"


def _session_language() -> str | None:
    if get_script_run_ctx(suppress_warning=True) is None:  # a thread of no session: a training watcher, a test
        return None
    return st.session_state.get(LANGUAGE_KEY)


i18n.read_language_from(_session_language)


def browsers_language() -> str:
    """The language the browser asks for (its Accept-Language header, else its locale), or English."""
    headers = st.context.headers
    asked = headers.get("Accept-Language") if headers else None
    return i18n.match(asked or st.context.locale)


def choose() -> str:
    """The session's language: a `?lang=` link's, else the one it chose, else its browser's. Kept in the address
    when it is not the browser's own, so that a copied link opens in it."""
    linked = str(st.query_params.get(ADDRESS_KEY, "")).strip().lower()
    if linked in LANGUAGES:
        st.session_state[LANGUAGE_KEY] = linked
    elif LANGUAGE_KEY not in st.session_state:
        st.session_state[LANGUAGE_KEY] = browsers_language()
    language = st.session_state[LANGUAGE_KEY]
    if language != browsers_language():
        st.query_params[ADDRESS_KEY] = language
    elif ADDRESS_KEY in st.query_params:
        st.query_params.pop(ADDRESS_KEY)
    st.html(_PAGE_LANGUAGE.replace("WORDS", json.dumps(_streamlits_words(language))), unsafe_allow_javascript=True)
    return language


# The page's own language, for screen readers and for the right shapes of the characters Chinese and Japanese share;
# and the few words Streamlit writes itself in English: its link for keyboards, and "2 more" where the top bar has no
# room for every page name (a tablet). Those are put in the page's language as Streamlit draws them.
_PAGE_LANGUAGE = """<script>
window.rrWords = WORDS;
document.documentElement.lang = rrWords.lang;
const rrStreamlitsWords = () => {
  const skip = document.querySelector('[data-testid=stSkipToContent]');
  if (skip && skip.textContent !== rrWords.skip) skip.textContent = rrWords.skip;
  for (const words of document.querySelectorAll('[data-testid=stHeader] p')) {
    const more = words.textContent.match(/^(\\d+) more$/);
    if (more) words.textContent = rrWords.more.replace('{count}', more[1]);
  }
};
if (!window.rrWatchingWords) {
  window.rrWatchingWords = new MutationObserver(rrStreamlitsWords);
  window.rrWatchingWords.observe(document.body, {subtree: true, childList: true, characterData: true});
}
rrStreamlitsWords();
</script>"""


def _streamlits_words(language: str) -> dict:
    return {
        "lang": {"en": "en", "zh": "zh-Hans", "ja": "ja"}[language],
        "skip": _("Skip to main content"),
        "more": _("{count} more"),  # more page names, in a menu
    }


def _picked() -> None:
    st.session_state[LANGUAGE_KEY] = st.session_state[PICKER_KEY]
    st.query_params[ADDRESS_KEY] = st.session_state[PICKER_KEY]  # over a ?lang= the session came with


def picker() -> None:
    """A small button that opens the three languages, each named in its own words."""
    language = st.session_state.get(LANGUAGE_KEY, i18n.DEFAULT)
    st.session_state[PICKER_KEY] = language
    with st.popover(SHORT[language], icon=":material/translate:", help=PICKER_HELP, key="language-button"):
        st.radio(
            _("Language"), list(LANGUAGES), format_func=LANGUAGES.get, key=PICKER_KEY, on_change=_picked,
            label_visibility="collapsed",
        )  # fmt: skip
