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
    with st.container(key="page-language"):  # a script, and no room on the page: it would push the page down a line
        st.html(_PAGE_LANGUAGE.replace("WORDS", json.dumps(_streamlits_words(language))), unsafe_allow_javascript=True)
    return language


# The page's own language, for screen readers and for the right shapes of the characters Chinese and Japanese share;
# and the words Streamlit writes itself in English: its link for keyboards, "2 more" where the top bar has no room for
# every page name (a tablet), and the labels its controls have for screen readers ("Link to heading", "Help for ...").
# Each is put in the page's language as Streamlit draws it, from its English (kept in data-rr-english, so that a
# second change of language starts from it again).
_PAGE_LANGUAGE = """<style>[data-testid=stLayoutWrapper]:has(> .st-key-page-language), .st-key-page-language { display: none; }</style>
<script>
window.rrWords = WORDS;
document.documentElement.lang = rrWords.lang;
window.rrSay = (english) => {
  if (english in rrWords.exact) return rrWords.exact[english];
  const more = english.match(/^(\\d+) more$/);
  if (more) return rrWords.more.replace('{count}', more[1]);
  for (const [start, template] of Object.entries(rrWords.starts)) {
    if (english.startsWith(start)) return template.replace('{label}', english.slice(start.length));
  }
  return english;
};
window.rrStreamlitsWords = () => {
  window.rrWordsQueued = false;
  const say = (element, read, write) => {
    const now = read(element);
    if (!now) return;
    if (element.dataset.rrSaid !== now) element.dataset.rrEnglish = now;  // Streamlit wrote it afresh, in English
    const said = rrSay(element.dataset.rrEnglish);
    if (said !== now) write(element, said);
    element.dataset.rrSaid = said;
  };
  const skip = document.querySelector('[data-testid=stSkipToContent]');
  if (skip) say(skip, e => e.textContent, (e, words) => { e.textContent = words; });
  for (const words of document.querySelectorAll('[data-testid=stHeader] p')) {
    say(words, e => e.textContent, (e, said) => { e.textContent = said; });
  }
  for (const labelled of document.querySelectorAll('[aria-label]')) {
    if (!labelled.closest('.rr, .race')) say(labelled, e => e.getAttribute('aria-label'), (e, said) => e.setAttribute('aria-label', said));
  }
};
if (!window.rrWatchingWords) {
  window.rrWatchingWords = new MutationObserver(() => {
    if (!window.rrWordsQueued) { window.rrWordsQueued = true; requestAnimationFrame(rrStreamlitsWords); }
  });
  const watched = {subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['aria-label']};
  window.rrWatchingWords.observe(document.body, watched);
}
rrStreamlitsWords();
</script>"""


def _streamlits_words(language: str) -> dict:
    return {
        "lang": {"en": "en", "zh": "zh-Hans", "ja": "ja"}[language],
        "more": _("{count} more"),  # more page names, in a menu
        "exact": {
            "Skip to main content": _("Skip to main content"),
            "Link to heading": _("Link to heading"),
            "Main menu": _("Main menu"),
            "App pages": _("App pages"),
            "Sidebar": _("Sidebar"),
            "Expand sidebar": _("Expand sidebar"),
            "Collapse sidebar": _("Collapse sidebar"),
            "Open": _("Open"),
            "Close": _("Close"),
            "Fullscreen": _("Fullscreen"),
            "Close fullscreen": _("Close fullscreen"),
            "Copy to clipboard": _("Copy to clipboard"),
        },
        "starts": {
            "Help for ": _("Help for {label}"),
            "Fullscreen: ": _("Fullscreen: {label}"),
            "Shortcut ": _("Shortcut {label}"),
        },
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
