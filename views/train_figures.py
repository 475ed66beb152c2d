"""Plotly figures for a training run: pure functions of its progress records."""

import plotly.graph_objects as go
from plotly.subplots import make_subplots

TRAIN_COLOUR = "#1f77b4"  # blue: the batches it learns from
VALIDATION_COLOUR = "#d95f02"  # orange: digits held out, checked after every epoch
TEST_COLOUR = "#111111"  # black: the test set, once, at the end
MAX_POINTS = 400  # per curve: a long run's figure stays small for every watcher, every second


def _epochs_axis(records: list[dict]) -> float:
    """Optimizer steps per epoch, so that the x axis counts passes over the training digits."""
    start = next((r for r in records if r.get("kind") == "start"), {})
    batch_size = (start.get("config") or {}).get("batch_size")
    samples = start.get("train_samples")
    return samples / batch_size if samples and batch_size else 1.0


def training_figure(records: list[dict], font_size: int = 15, height: int = 340) -> go.Figure:
    """Loss and accuracy side by side: training every few batches, validation every epoch, test at the end."""
    steps_per_epoch = _epochs_axis(records)
    batches = [r for r in records if r.get("kind") == "batch"]
    stride = -(-len(batches) // MAX_POINTS)
    batches = batches[::-1][::stride][::-1]  # thinned from the end, so the latest point is always drawn
    epochs = [r for r in records if r.get("kind") == "epoch" and "val_loss" in r]
    test = next((r for r in reversed(records) if r.get("kind") == "test"), None)
    figure = make_subplots(rows=1, cols=2, subplot_titles=("Loss (lower is better)", "Accuracy (higher is better)"), horizontal_spacing=0.1)
    for column, metric in ((1, "loss"), (2, "accuracy")):
        first = column == 1
        figure.add_trace(
            go.Scatter(
                x=[r["step"] / steps_per_epoch for r in batches], y=[r[metric] for r in batches], mode="lines",
                name="training batches", line={"color": TRAIN_COLOUR, "width": 2}, legendgroup="train", showlegend=first,
            ),
            row=1, col=column,
        )  # fmt: skip
        figure.add_trace(
            go.Scatter(
                x=[r["step"] / steps_per_epoch for r in epochs], y=[r[f"val_{metric}"] for r in epochs], mode="lines+markers",
                name="held-out digits (each epoch)", line={"color": VALIDATION_COLOUR, "width": 3}, marker={"size": 9},
                legendgroup="validation", showlegend=first,
            ),
            row=1, col=column,
        )  # fmt: skip
        if test is not None:
            last_step = (batches[-1]["step"] if batches else 0) / steps_per_epoch
            figure.add_trace(
                go.Scatter(
                    x=[last_step], y=[test[f"test_{metric}"]], mode="markers", name="test set (at the end)",
                    marker={"color": TEST_COLOUR, "size": 14, "symbol": "star"}, legendgroup="test", showlegend=first,
                ),
                row=1, col=column,
            )  # fmt: skip
        figure.update_xaxes(title_text="epochs (passes over the training digits)", rangemode="tozero", row=1, col=column)
    figure.update_yaxes(rangemode="tozero", row=1, col=1)
    figure.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=2)
    figure.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 40, "b": 10}, font={"size": font_size},
        legend={"orientation": "h", "y": -0.28, "x": 0.5, "xanchor": "center"}, paper_bgcolor="rgba(0,0,0,0)",
        uirevision="training",  # keep a user's zoom while the curves grow
    )  # fmt: skip
    figure.update_annotations(font_size=font_size + 1)
    return figure
