"""What a page open in Chromium gives people who read it differently: axe-core's verdict (how it fits each screen:
harness/layout.py).

axe-core (bundled by axe-playwright-python) checks the document and every open shadow root; a closed shadow
root is out of its reach, and a frame is checked only if axe is in that frame too, so it is put into every
frame first (a frame it still cannot reach shows up as its "frame-tested" rule, needing review). It leaves
SVG text, which is all of plotly's chart text, to review rather than judging its contrast: chart colours
are checked apart from it.
"""

SERIOUS = ("critical", "serious")  # the impacts that fail a page
ORDER = ("heading-order",)  # "moderate" by axe's measure, but a screen reader's map of the page: it fails one too
TARGETS_SHOWN = 3  # the first few elements of each violation, to find them by


def axe_violations(page, impacts=SERIOUS, rules=ORDER) -> list[str]:
    """axe-core's violations of the given impacts or rules on the page as it is now, one readable line each, [] if none.

    A line: "image-alt (critical) on 22 elements: Images must have alternative text: img[src=...], ...".
    """
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for frame in page.frames[1:]:  # the main frame gets it from axe.run
        frame.evaluate(axe.axe_script)
    results = axe.run(page).response
    lines = []
    for violation in results["violations"]:
        if violation["impact"] not in impacts and violation["id"] not in rules:
            continue
        nodes = violation["nodes"]
        targets = ", ".join(" >> ".join(map(str, node["target"])) for node in nodes[:TARGETS_SHOWN])
        more = f" and {len(nodes) - TARGETS_SHOWN} more" if len(nodes) > TARGETS_SHOWN else ""
        lines.append(f"{violation['id']} ({violation['impact']}) on {len(nodes)}: {violation['help']}: {targets}{more}")
    return lines
