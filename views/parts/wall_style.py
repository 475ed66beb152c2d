"""How the Class wall looks: its tiles in a grid that fills the row, as large as the back of a classroom needs.

A tile is at least --tile-min wide and the row's tiles share what is left over, so a
1280x720 projector holds six a row in presenter mode (two rows of them under the
page's title and the wall's switches), a phone two and a portrait tablet four.
Every word on a tile is 16 px or more on a phone and 18 px on the projector.
Each rule starts at .stApp, to weigh more than Streamlit's own style of the element.
"""

BOTH = """
.stApp .st-key-wall-top, .stApp .st-key-wall-choices { flex-wrap: wrap; row-gap: 0.4rem; }
.stApp .st-key-wall-choices { max-width: 100%; }
.stApp .st-key-wall-headline { max-width: 100%; }  /* on a phone the headline wraps */
.stApp .st-key-wall-headline h2, .stApp .st-key-wall h3 { padding: 0; }
.stApp .st-key-wall [data-testid="stHeading"] [data-testid="stMarkdownContainer"] { margin-bottom: 0; }  /* it made up for the padding */
.stApp .st-key-wall-tiles {
  display: grid; gap: 0.4rem; align-items: stretch;
  grid-template-columns: repeat(auto-fill, minmax(min(var(--tile-min), 100%), 1fr));
}
.stApp .st-key-wall-tiles > * { width: auto; min-width: 0; }
.stApp [class*="st-key-tile-"] { height: 100%; padding: 0.4rem 0.5rem; gap: 0.25rem; overflow: hidden; }
.stApp [class*="st-key-tile-"] p { overflow-wrap: anywhere; }  /* a long nickname wraps, and nothing of it leaves its tile */
.stApp [class*="st-key-tile-"] [data-testid="stImage"] img { image-rendering: pixelated; }
.stApp [class*="st-key-tile-"] [data-testid="stElementToolbar"] { display: none; }  /* no full-screen button on every picture */
.stApp [class*="st-key-tile-"] [data-testid="stHorizontalBlock"] { flex-wrap: nowrap; }  /* the picture beside its answer */
.stApp [class*="st-key-tile-"] [data-testid="stMarkdownContainer"] { margin-bottom: 0; }
/* Lines 1.35 apart, no closer: the letters of one would reach into the next. */
.stApp [class*="st-key-tile-"] [data-testid="stMarkdownContainer"] p { line-height: 1.35; margin: 0; }
.stApp [class*="st-key-tile-"] [data-testid="stMarkdownContainer"] strong { display: block; font-size: 2.3em; }
.stApp [class*="st-key-tile-"] [data-testid="stElementContainer"]:has(button) { margin-top: auto; }  /* Open on one line a row */
.stApp [class*="st-key-tile-"] button { min-height: 0; padding: 0.1rem 0.7rem; }
"""

STANDARD = """
.stApp .st-key-wall-tiles { --tile-min: 9.5rem; }  /* 152 px */
.stApp .st-key-wall-headline h2, .stApp .st-key-wall h3 { font-size: 1.5rem; }
.stApp [class*="st-key-tile-"] [data-testid="stMarkdownContainer"] p { font-size: 1rem; }
"""

# Presenter mode's page is 24 px a rem: the tiles' words and the switches are set at 18 px, to leave room for the digits.
PRESENTER = """
.stApp .st-key-wall-tiles { --tile-min: 7.6rem; }  /* 182 px: six a row in 1,208 */
.stApp .st-key-wall-headline h2, .stApp .st-key-wall h3 { font-size: 1.2rem; }
.stApp [class*="st-key-tile-"] [data-testid="stMarkdownContainer"] p { font-size: 0.75rem; }
.stApp .st-key-wall-top [data-testid="stButtonGroup"] p, .stApp .st-key-wall-top input { font-size: 0.75rem; }
.stApp .st-key-wall-top [role="radiogroup"] { padding-top: 0; padding-bottom: 0; }
.stApp .st-key-wall-top [data-testid="stButtonGroup"] button {
  min-height: 0; padding: 0.25rem 0.8rem; font-size: 0.75rem; line-height: 1.35;
}
.stApp .st-key-wall-top [data-testid="stSelectbox"] [class*="ComboBox"] > div { height: 1.6rem; }
"""


def wall_css(presenter: bool) -> str:
    return f"<style>{BOTH}{PRESENTER if presenter else STANDARD}</style>"
