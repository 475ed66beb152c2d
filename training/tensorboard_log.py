"""Training curves in TensorBoard's event format, written without TensorFlow.

    tensorboard --logdir runs/

Keras's TensorBoard callback needs tf.summary, which the JAX backend lacks, so
the events are written with the standalone tensorboard package, as PyTorch's
SummaryWriter does. Each split gets its own subfolder (train/, validation/,
test/) and the same tags, so TensorBoard draws their curves on one chart.
"""

import sys
import time
from pathlib import Path

try:
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter
except ImportError:  # training goes on without these logs
    EventFileWriter = None

FLUSH_EVERY_S = 10  # a crashed run loses at most this much of its curves (epoch ends and stops flush too)


class TensorBoardLog:
    """Scalars by split: add_scalar("train/loss", 0.4, step=120) goes to train/ under the tag "loss"."""

    def __init__(self, log_dir: str | Path):
        self.log_dir = Path(log_dir)
        self.writers: dict[str, EventFileWriter] = {}  # opened on first use: a run that never tests has no test/

    def add_scalar(self, tag: str, value: float, step: int) -> None:
        split, name = tag.split("/", 1)
        if split not in self.writers:
            self.writers[split] = EventFileWriter(str(self.log_dir / split), flush_secs=FLUSH_EVERY_S)
        summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=name, simple_value=float(value))])
        self.writers[split].add_event(event_pb2.Event(wall_time=time.time(), step=int(step), summary=summary))

    def flush(self) -> None:
        for writer in self.writers.values():
            writer.flush()

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()
        self.writers.clear()


class NoLog:
    """Stands in for TensorBoardLog when the tensorboard package is missing."""

    def add_scalar(self, tag: str, value: float, step: int) -> None:
        pass

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


def open_log(log_dir: str | Path) -> TensorBoardLog | NoLog:
    if EventFileWriter is None:
        print("tensorboard is not installed: training without TensorBoard logs", file=sys.stderr, flush=True)
        return NoLog()
    return TensorBoardLog(log_dir)
