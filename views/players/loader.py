"""The code each player component mounts with: it fetches the player's script and style from static/players/ once per page.

A component's inline code would travel again with every reading, twice the size of
the reading itself; files served by Streamlit's static serving are fetched once and kept.
"""

LOADER = """
const code = new URL("app/static/players/", document.baseURI);
let ready = null;  // the player's code and style, fetched once per page
export default function (args) {
  ready ??= Promise.all([
    import(new URL("NAME.js", code).href),
    new Promise((loaded) => {
      const style = Object.assign(document.createElement("link"), { rel: "stylesheet", href: new URL("NAME.css", code).href });
      style.onload = style.onerror = loaded;  // drawn once styled: the player measures its own boxes
      document.head.append(style);
    }),
  ]);
  let cleanup = null;
  let gone = false;
  ready.then(([player]) => {
    if (!gone) cleanup = player.default(args);
  });
  return () => {  // the player left the page: it may stop what it was doing (a race's clock)
    gone = true;
    if (typeof cleanup === "function") cleanup();
  };
}
"""


def static_loader(name: str) -> str:
    """A component's code that fetches static/players/<name>.js and .css once per page, then hands each mount to it."""
    return LOADER.replace("NAME", name)
