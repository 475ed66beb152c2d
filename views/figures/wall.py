"""The class wall's race chart: per digit, the rows the class needed against the network's. Data in, figure spec out."""

from i18n import _, ngettext, number
from model.config import NUM_CLASSES, ROWS
from views.figures.plotting import ReadyFigure, base_layout, legible_and_still

CLASS_COLOUR = "#1f5fbf"  # the app's primary blue, 6.0:1 on white
HEIGHT, PRESENTER_HEIGHT = 340, 330  # pixels: in presenter mode the chart fits a 1280x720 screen under the wall's switches
NETWORK_COLOUR = "#31333f"  # the page's text grey: far darker than the blue for every eye; each bar carries its number


def race_spec(table: dict[int, tuple[int, float, float]], presenter: bool = False) -> ReadyFigure:
    """table: digit -> (races, the class's mean row, the network's mean row), as classroom.wall.race_table gives it."""
    font_size = 22 if presenter else 16
    digits = [str(digit) for digit in range(NUM_CLASSES) if digit in table]
    labels = [f"{digit}<br>({table[int(digit)][0]}×)" for digit in digits]

    def bars(name: str, column: int, colour: str) -> dict:
        rows = [round(table[int(digit)][column], 1) for digit in digits]
        return {
            "type": "bar",
            "name": name,
            "x": labels,
            "y": rows,
            "text": [f"{row:g}" for row in rows],
            "textposition": "outside",
            "cliponaxis": False,
            "marker": {"color": colour},
            "hovertemplate": _("{name}: row {row}").format(name=name, row="%{y}") + "<extra></extra>",
        }

    layout = base_layout(
        PRESENTER_HEIGHT if presenter else HEIGHT,
        font_size,
        barmode="group",
        xaxis={"title": {"text": _("Digit raced (how many times)")}, "type": "category"},
        yaxis={"title": {"text": _("Rows needed")}, "range": [0, ROWS + 3], "tickvals": [0, 7, 14, 21, 28]},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},  # above the plot, clear of the bars' numbers
        margin={"l": 10, "r": 10, "t": round(font_size * 2.4), "b": 10},
    )
    data = [bars(_("The class, on average"), 1, CLASS_COLOUR), bars(_("The network, on average"), 2, NETWORK_COLOUR)]
    return ReadyFigure({"data": data, "layout": legible_and_still(layout, font_size)})


def race_summary(table: dict[int, tuple[int, float, float]]) -> str:
    """The chart in one sentence, for its alt text and for those who read rather than look."""
    races = sum(count for count, _, _ in table.values())
    class_rows = sum(count * mean for count, mean, _ in table.values()) / races
    network_rows = sum(count * mean for count, _, mean in table.values()) / races
    summary = ngettext(
        "{count} digit raced: the class knew after {class_rows} rows on average, the network after {network_rows}.",
        "{count} digits raced: the class knew after {class_rows} rows on average, the network after {network_rows}.",
        races,
    )
    return summary.format(count=races, class_rows=number(class_rows, 1), network_rows=number(network_rows, 1))
