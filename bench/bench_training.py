"""How much does the training CLI cost over a plain model.fit? Both measured the same way, side by side.

    MNIST_DIR=../shared/mnist python bench/bench_training.py
    MNIST_DIR=../shared/mnist python bench/bench_training.py --preset default --limit 20000 --epochs 4 --repeats 3

Each repeat runs, in fresh subprocesses and in alternating order (ABBA, to cancel drift):

  cli    python -m training --preset P --no-augment --limit N --epochs E: progress records,
         a checkpoint and status every epoch, validation, then the test evaluation and the model save.
  plain  model.fit of model.network.build_model(the same ModelConfig), compiled as the CLI compiles it,
         on the same split (the same validation images), with only a timing callback that keeps its
         numbers in memory.

Both are measured the same way: throughput as the median samples/s over windows of LOG_EVERY steps
(the CLI's own progress records; the same windows in the plain run), and the wall time between
consecutive epoch ends, with everything up to the end of epoch 1 dropped as warm-up (tracing,
compilation). Medians over the repeats and the ratios cli/plain are printed. The wall time of each
whole subprocess (imports, data loading, test evaluation and saves included) is shown for context.

--legs picks other legs: `--legs cli:tensorflow cli:jax` compares the backends, alternated the same way.

--cells times the three recurrent cells side by side instead, each a cli leg, in rotating order (ABC, CAB, BCA...),
one run: each cell's own recipe (default for the LSTM, gru, rnn: the same 2 x 128 network), or with --preset that
recipe with --cell for each; digits are neither warped nor drawn as on a canvas (--no-augment --drawn 0), which costs
the same for every cell and is timed by bench/bench_training_parts.py. Within ten minutes on a busy 2-core machine:

    MNIST_DIR=../shared/mnist python bench/bench_training.py --cells --limit 8000 --epochs 3 --repeats 2

Run it on an otherwise idle machine: anything else using the CPU or GPU skews both legs.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", help="training preset (default: morvan; with --cells, each cell's own recipe)")
    parser.add_argument("--limit", type=int, default=12_000, help="first N training images, 0 for all (default: 12000)")
    parser.add_argument("--epochs", type=int, default=3, help="epochs per run, the first is warm-up (default: 3, at least 2)")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each leg (default: 2)")
    parser.add_argument("--legs", nargs=2, default=["cli", "plain"], metavar="LEG",
                        help="the two legs, each cli or plain, optionally :tensorflow or :jax for its Keras backend "
                             "(default: cli plain, on the default backend)")  # fmt: skip
    parser.add_argument("--cells", action="store_true", help="time the LSTM, the GRU and the plain RNN side by side")
    parser.add_argument("--data-dir", help="folder of the MNIST IDX files (default: $MNIST_DIR)")
    parser.add_argument("--work-dir", help="where the run folders go (default: a temporary folder, removed afterwards)")
    parser.add_argument("--json", dest="json_out", help="also write the results here as JSON")
    parser.add_argument("--worker", choices=["plain"], help=argparse.SUPPRESS)  # internal: one plain model.fit run
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.epochs < 2:
        parser.error("--epochs must be at least 2: the first epoch is warm-up")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    args.cell = None  # the cell a cli leg trains with, set per leg by --cells
    args.cells_own_recipes = args.cells and args.preset is None
    args.preset = args.preset or "morvan"
    return args


# --- the cells side by side ---------------------------------------------------------------------------------------

CELL_RECIPES = {"lstm": "default", "gru": "gru", "rnn": "rnn"}  # each cell's own recipe: the same network, 2 x 128


def cell_leg(args: argparse.Namespace, cell: str) -> argparse.Namespace:
    """A cli leg for one cell: its own recipe, or the one recipe given with --cell."""
    preset = CELL_RECIPES[cell] if args.cells_own_recipes else args.preset
    return argparse.Namespace(**{**vars(args), "preset": preset, "cell": cell})


def rotations(legs: list[str], repeats: int) -> list[list[str]]:
    """Each repeat's order: the legs rotated one place each time, so that each leg runs first, second and third as often
    as the repeats allow (two repeats of three legs: ABC, BCA)."""
    return [legs[index % len(legs) :] + legs[: index % len(legs)] for index in range(repeats)]


def cells_main(args: argparse.Namespace, work: Path) -> dict[str, list[dict]]:
    """Each cell's leg per repeat, printed as it ends: digits per second, time per epoch, the whole process."""
    from model.config import CELLS
    from training.presets import preset

    for cell in CELLS:  # fails early on bad values, before any subprocess starts
        leg = cell_leg(args, cell)
        config = preset(leg.preset, cell=cell, limit=args.limit or None, epochs=args.epochs, samples=None, augment=False, drawn=0.0)
        print(f"{cell:5} recipe {leg.preset}: {config.model}, batch {config.batch_size}", flush=True)
    print(f"--limit {args.limit} --epochs {args.epochs}, {args.repeats} repeat(s) per cell, epoch 1 is warm-up", flush=True)
    runs = {cell: [] for cell in CELLS}
    for index, order in enumerate(rotations(list(CELLS), args.repeats)):
        for cell in order:
            result = run_cli(cell_leg(args, cell), work / f"cell-{cell}-{index}", None)
            runs[cell].append(result)
            print(f"  repeat {index + 1} {cell:5}  {_fmt(result['samples_per_s'], '8.0f')} digits/s "
                  f"({result['rate_windows']} windows)  {_fmt(result['epoch_s'], '6.2f')} s/epoch  "
                  f"({result['steps']} steps, process {result['process_s']:.1f} s, test accuracy {result['test_accuracy']:.4f})",
                  flush=True)  # fmt: skip
    return runs


def print_cells(runs: dict[str, list[dict]]) -> dict:
    """The medians, and each cell's time per epoch against the LSTM's."""
    keys = ("samples_per_s", "epoch_s", "process_s", "test_accuracy")
    summary = {cell: {key: _median(results, key) for key in keys} for cell, results in runs.items()}
    lstm = summary["lstm"]["epoch_s"]
    print()
    print(f"{'median':8} {'digits/s':>10} {'s/epoch':>9} {'x LSTM':>8} {'process s':>10} {'test acc':>9}")
    for cell, s in summary.items():
        s["epoch_vs_lstm"] = _ratio(s["epoch_s"], lstm)
        print(f"{cell:8} {_fmt(s['samples_per_s'], '10.0f')} {_fmt(s['epoch_s'], '9.2f')} {_fmt(s['epoch_vs_lstm'], '8.2f')} "
              f"{_fmt(s['process_s'], '10.1f')} {_fmt(s['test_accuracy'], '9.4f')}")  # fmt: skip
    return summary


# --- what both legs are summarised by ---------------------------------------------------------------------------


def summarise(batch_records: list[dict], epoch_records: list[dict]) -> dict:
    """batch_records: {"step", "samples_per_s"} every LOG_EVERY steps; epoch_records: {"step", "time"} per epoch.

    Warm-up is everything up to the end of epoch 1: a rate window counts only if it starts after it
    (so the window straddling into epoch 2, which holds the tracing or the first validation, is dropped too).
    """
    warmup_steps = epoch_records[0]["step"] if epoch_records else float("inf")
    rates, window_start = [], 0
    for record in batch_records:
        if window_start >= warmup_steps:
            rates.append(record["samples_per_s"])
        window_start = record["step"]
    ends = [record["time"] for record in epoch_records]
    epoch_times = [b - a for a, b in zip(ends, ends[1:], strict=False)]  # epoch 2 onwards
    return {
        "samples_per_s": statistics.median(rates) if rates else None,
        "rate_windows": len(rates),
        "epoch_s": statistics.median(epoch_times) if epoch_times else None,
        "epochs_timed": len(epoch_times),
    }


# --- the plain leg, run in its own process ------------------------------------------------------------------------


def plain_worker(args: argparse.Namespace) -> None:
    from training.devices import prepare_environment

    prepare_environment()
    import keras

    from model.mnist import load_mnist
    from model.network import build_model
    from training.presets import preset
    from training.train import LOG_EVERY, compile_model, split_data

    config = preset(args.preset, limit=args.limit or None, epochs=args.epochs, samples=None, augment=False)
    keras.utils.set_random_seed(config.seed)
    data = split_data(load_mnist(args.data_dir), config)
    steps_per_epoch = -(-len(data.x_train) // config.batch_size)
    model = build_model(config.model)
    total_steps = config.epochs * steps_per_epoch
    compile_model(model, config, total_steps)

    class Timing(keras.callbacks.Callback):
        """The CLI's RunRecorder arithmetic, keeping numbers in memory instead of writing files."""

        def __init__(self):
            super().__init__()
            self.step, self.epoch, self.batches, self.epoch_ends = 0, 0, [], []

        def on_train_begin(self, logs=None):
            self.last_time, self.last_step = time.perf_counter(), 0

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch + 1

        def on_train_batch_end(self, batch, logs=None):
            self.step += 1
            if self.step % LOG_EVERY == 0 or self.step == total_steps:  # the CLI also logs its last step
                now = time.perf_counter()
                rate = (self.step - self.last_step) * config.batch_size / max(now - self.last_time, 1e-9)
                self.last_time, self.last_step = now, self.step
                self.batches.append({"step": self.step, "epoch": self.epoch, "samples_per_s": rate})

        def on_epoch_end(self, epoch, logs=None):
            self.epoch_ends.append({"step": self.step, "time": time.time()})

    timing = Timing()
    validation = (data.x_val, data.y_val) if len(data.x_val) else None
    model.fit(data.x_train, data.y_train, batch_size=config.batch_size, epochs=config.epochs, shuffle=True,
              validation_data=validation, callbacks=[timing], verbose=0)  # fmt: skip
    _, test_accuracy = model.evaluate(data.x_test, data.y_test, batch_size=1000, verbose=0)  # as the CLI tests
    result = {"batches": timing.batches, "epoch_ends": timing.epoch_ends, "steps": timing.step, "test_accuracy": float(test_accuracy)}
    Path(args.result).write_text(json.dumps(result))


# --- the two legs, seen from the parent ----------------------------------------------------------------------------


def _env(backend: str | None) -> dict:
    return dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(REPO_ROOT), **({"KERAS_BACKEND": backend} if backend else {}))


def _run(command: list[str], log_path: Path, backend: str | None) -> float:
    started = time.perf_counter()
    with open(log_path, "w") as log:
        returncode = subprocess.run(command, cwd=REPO_ROOT, env=_env(backend), stdout=log, stderr=subprocess.STDOUT).returncode
    wall = time.perf_counter() - started
    if returncode != 0:
        tail = log_path.read_text(errors="replace")[-2000:]
        raise SystemExit(f"{' '.join(command)} failed with exit code {returncode}:\n{tail}")
    return wall


def run_cli(args: argparse.Namespace, run_dir: Path, backend: str | None) -> dict:
    from training.progress import BATCH, EPOCH, read_progress

    command = [
        sys.executable,
        "-m",
        "training",
        "--preset",
        args.preset,
        "--no-augment",
        *(["--cell", args.cell, "--drawn", "0"] if getattr(args, "cell", None) else []),
        "--epochs",
        str(args.epochs),
        "--out",
        str(run_dir),
    ]
    if args.limit:
        command += ["--limit", str(args.limit)]
    if args.data_dir:
        command += ["--data-dir", args.data_dir]
    wall = _run(command, run_dir.with_suffix(".log"), backend)
    test_accuracy = json.loads((run_dir / "model.json").read_text()).get("test_accuracy")
    records = read_progress(run_dir)
    batches = [r for r in records if r.get("kind") == BATCH]
    epoch_ends = [r for r in records if r.get("kind") == EPOCH]
    steps = max((r["step"] for r in batches), default=0)
    return {**summarise(batches, epoch_ends), "process_s": wall, "steps": steps, "test_accuracy": test_accuracy}


def run_plain(args: argparse.Namespace, work: Path, index: str, backend: str | None) -> dict:
    result_path = work / f"{index}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", "plain", "--result", str(result_path),
               "--preset", args.preset, "--limit", str(args.limit), "--epochs", str(args.epochs)]  # fmt: skip
    if args.data_dir:
        command += ["--data-dir", args.data_dir]
    wall = _run(command, work / f"{index}.log", backend)
    result = json.loads(result_path.read_text())
    return {**summarise(result["batches"], result["epoch_ends"]), "process_s": wall, "steps": result["steps"],
            "test_accuracy": result["test_accuracy"]}  # fmt: skip


def _median(runs: list[dict], key: str):
    values = [run[key] for run in runs if run[key] is not None]
    return statistics.median(values) if values else None


def _fmt(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _ratio(a, b):
    return None if a is None or not b else a / b


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker == "plain":
        plain_worker(args)
        return 0
    args.data_dir = args.data_dir or os.environ.get("MNIST_DIR")
    if args.cells:
        return cells_bench(args)
    from training.presets import preset

    # Fails early on bad values, before any subprocess starts.
    config = preset(args.preset, limit=args.limit or None, epochs=args.epochs, samples=None, augment=False)
    print(f"preset {args.preset}: {config.model}, batch {config.batch_size}; "
          f"--limit {args.limit} --epochs {args.epochs}, {args.repeats} repeat(s) per leg, epoch 1 is warm-up",
          flush=True)  # fmt: skip
    if not args.data_dir:
        print("note: no --data-dir or MNIST_DIR; both legs use the Keras cache or download", flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-training-") as temporary:
        work = Path(args.work_dir or temporary)
        work.mkdir(parents=True, exist_ok=True)
        legs = args.legs if args.legs[0] != args.legs[1] else [args.legs[0], f"{args.legs[1]} again"]
        runs = {leg: [] for leg in legs}
        for index in range(args.repeats):
            for leg in legs if index % 2 == 0 else legs[::-1]:  # ABBA
                kind, _, backend = leg.split()[0].partition(":")
                name = f"{kind}-{backend or 'default'}-{index}-{legs.index(leg)}"
                result = run_cli(args, work / name, backend) if kind == "cli" else run_plain(args, work, name, backend)
                runs[leg].append(result)
                print(f"  repeat {index + 1} {leg:16}  {_fmt(result['samples_per_s'], '8.0f')} samples/s "
                      f"({result['rate_windows']} windows)  {_fmt(result['epoch_s'], '6.2f')} s/epoch  "
                      f"({result['steps']} steps, process {result['process_s']:.1f} s, test accuracy {result['test_accuracy']:.4f})",
                      flush=True)  # fmt: skip

    keys = ("samples_per_s", "epoch_s", "process_s", "test_accuracy")
    summary = {leg: {key: _median(results, key) for key in keys} for leg, results in runs.items()}
    first, second = legs
    throughput_ratio = _ratio(summary[first]["samples_per_s"], summary[second]["samples_per_s"])
    epoch_ratio = _ratio(summary[first]["epoch_s"], summary[second]["epoch_s"])
    process_ratio = _ratio(summary[first]["process_s"], summary[second]["process_s"])
    print()
    print(f"{'median':16} {'samples/s':>10} {'s/epoch':>9} {'process s':>10} {'test acc':>9}")
    for leg in legs:
        s = summary[leg]
        print(f"{leg:16} {_fmt(s['samples_per_s'], '10.0f')} {_fmt(s['epoch_s'], '9.2f')} {_fmt(s['process_s'], '10.1f')} "
              f"{_fmt(s['test_accuracy'], '9.4f')}")  # fmt: skip
    print(f"{'first/second':16} {_fmt(throughput_ratio, '10.3f')} {_fmt(epoch_ratio, '9.3f')} {_fmt(process_ratio, '10.3f')}"
          "   (throughput below 1 and times above 1 mean the first leg is slower)")  # fmt: skip
    if args.json_out:
        report = {"args": {k: v for k, v in vars(args).items() if k not in ("worker", "result")}, "runs": runs,
                  "median": summary,
                  "ratio": {"samples_per_s": throughput_ratio, "epoch_s": epoch_ratio, "process_s": process_ratio}}  # fmt: skip
        Path(args.json_out).write_text(json.dumps(report, indent=2) + "\n")
    return 0


def cells_bench(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-training-") as temporary:
        work = Path(args.work_dir or temporary)
        work.mkdir(parents=True, exist_ok=True)
        runs = cells_main(args, work)
    summary = print_cells(runs)
    if args.json_out:
        report = {"args": {k: v for k, v in vars(args).items() if k not in ("worker", "result")}, "runs": runs, "median": summary}
        Path(args.json_out).write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
