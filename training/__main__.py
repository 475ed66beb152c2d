"""Train a row reader from the command line.

python -m training --preset default --out runs/my-run
python -m training --preset morvan --limit 2000 --epochs 1 --out runs/smoke
python -m training --config runs/my-run/config.json --out runs/again    # every setting of another run, as the Train page starts runs
python -m training --resume --out runs/my-run    # carry a cancelled or failed run on

Exit status: 0 when the run is done or stopped on request, 1 when the data or
the checkpoint is unusable (or training fails), 2 for bad arguments or a run
folder that cannot be resumed.
"""

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

STOP_REQUESTED = threading.Event()  # set by SIGTERM (the Train page's Cancel) or Ctrl-C


def request_stop(signum, frame):
    if STOP_REQUESTED.is_set():
        if signum == signal.SIGINT:  # a second Ctrl-C means now
            raise KeyboardInterrupt
        return  # a second Cancel asks the same again
    print(f"\n{signal.Signals(signum).name}: stopping after the current batch ...", file=sys.stderr, flush=True)
    STOP_REQUESTED.set()


if __name__ == "__main__":  # first of all: a Cancel pressed while Keras imports is a request to stop, not a crash
    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})  # a launcher may have held them back till now

from training.devices import prepare_environment  # noqa: E402

prepare_environment()  # before Keras picks its backend up

from training.presets import PRESETS, TrainConfig, learning_rate_setting, preset, share_setting, too_small, whole_setting  # noqa: E402
from training.resume import CheckpointError, ResumeRefused, check_resumable, saved_config  # noqa: E402
from training.run_folder import CANCELLED, read_settings, write_config, write_status  # noqa: E402

CANCELLED_BEFORE_TRAINING = "Cancelled before training began"


def typed(parse, *names):
    """An argparse type from one of the settings' parsers, which the Train page's boxes share, with their message."""

    def parse_or_explain(text: str):
        try:
            return parse(*names, text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return parse_or_explain


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m training", description="Train an LSTM that reads MNIST digits row by row.")
    parser.add_argument("--out", required=True, help="run folder to write progress, checkpoints and the model into")
    parser.add_argument("--resume", action="store_true", help="carry the cancelled or failed run in --out on from its checkpoint")
    parser.add_argument("--config", metavar="FILE", help="all the settings of a new run, from a run folder's config.json")
    parser.add_argument("--data-dir", help="folder of the four MNIST IDX files (default: $MNIST_DIR, the Keras cache, else download)")
    group = parser.add_argument_group("settings of a new run, the preset's unless given (kept in its config.json, so not with --resume)")
    settings = [
        group.add_argument("--preset", choices=sorted(PRESETS), help="recipe to start from (default: default)"),
        group.add_argument("--epochs", type=typed(whole_setting, "epochs"), help="passes over the training part"),
        group.add_argument("--samples", type=typed(whole_setting, "samples"), help="stop after this many training samples"),
        group.add_argument("--units", type=typed(whole_setting, "units"), help="LSTM units per layer"),
        group.add_argument("--layers", type=typed(whole_setting, "lstm_layers"), dest="lstm_layers", help="stacked LSTM layers, 1 to 3"),
        group.add_argument("--batch-size", type=typed(whole_setting, "batch_size"), help="images per step"),
        group.add_argument("--lr", type=typed(learning_rate_setting), dest="learning_rate", help="Adam learning rate"),
        group.add_argument("--limit", type=typed(whole_setting, "limit"), help="use only the first N training and test images"),
        group.add_argument("--seed", type=typed(whole_setting, "seed"), help="random seed (default: the preset's, 0)"),
        group.add_argument("--augment", action=argparse.BooleanOptionalAction, help="warp digits as people draw (default: preset)"),
        group.add_argument(
            "--drawn",
            type=typed(share_setting),
            metavar="SHARE",
            help="share of each epoch's digits read as drawn on a canvas, 0 to 1 (default: preset)",
        ),
    ]
    args = parser.parse_args(argv)
    given = [action.option_strings[0] for action in settings if getattr(args, action.dest) is not None]
    if args.resume and args.config:
        parser.error("--resume carries on with the run's saved settings; leave out --config")
    if args.resume and given:
        parser.error(f"--resume carries on with the run's saved settings; leave out {', '.join(given)}")
    if args.config and given:
        parser.error(f"--config gives all the settings; leave out {', '.join(given)}")
    if not args.resume and not args.config:
        args.preset = args.preset or "default"
    return args


def new_run_config(args: argparse.Namespace) -> tuple[str | None, TrainConfig]:
    """The recipe's name and the settings of a new run; raises ValueError for a value out of range or a bad file."""
    if args.config:
        return read_settings(Path(args.config))
    not_settings = ("preset", "out", "data_dir", "resume", "config")
    overrides = {key: value for key, value in vars(args).items() if value is not None and key not in not_settings}
    config = preset(args.preset, **overrides)
    problem = too_small(config)
    if problem:  # the Train page refuses such a run; here it is allowed, for smoke tests
        print(f"warning: {problem}; the model will not be worth reading", file=sys.stderr, flush=True)
    return args.preset, config


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        if args.resume:  # checked again once Keras has loaded; here so that a refusal comes back at once
            saved_config(args.out)
            previous = check_resumable(args.out)
            preset_name, config = None, None  # the run's own, from its config.json
        else:
            previous, (preset_name, config) = {}, new_run_config(args)
    except ValueError as error:  # ResumeRefused is one
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        trainer = None if STOP_REQUESTED.is_set() else import_trainer()
    except KeyboardInterrupt:  # Ctrl-C twice while Keras imported
        trainer = None
    if trainer is None or STOP_REQUESTED.is_set():
        return cancel_before_training(args, preset_name, config, previous)
    return train(trainer, args, preset_name, config)


def import_trainer():
    """training.train, and with it Keras: seconds of imports, during which a stop may be asked."""
    from training import train

    return train


def cancel_before_training(args: argparse.Namespace, preset_name: str | None, config: TrainConfig | None, previous: dict) -> int:
    """Stopped before the first batch: a cancelled run that a resume starts (or carries on) with its saved settings."""
    run_dir = Path(args.out)
    if config is not None:  # a new run: its settings are what a resume needs
        run_dir.mkdir(parents=True, exist_ok=True)
        write_config(run_dir, preset_name, config.to_dict())
    kept = {key: value for key, value in previous.items() if key not in ("state", "updated_at", "message", "interrupted")}
    write_status(run_dir, CANCELLED, **{**kept, "pid": os.getpid(), "message": CANCELLED_BEFORE_TRAINING})
    print(f"{CANCELLED_BEFORE_TRAINING}. Resume it with: python -m training --resume --out {args.out}", flush=True)
    return 0


def train(trainer, args: argparse.Namespace, preset_name: str | None, config: TrainConfig | None) -> int:
    """Train or resume to the end or to a stop; the exit status the module's docstring promises."""
    from model.mnist import MnistDataError
    from training.devices import describe_device, device_label

    verbose = 1 if sys.stdout.isatty() else 2
    device = device_label(describe_device())
    try:
        if args.resume:
            print(f"Resuming the run in {args.out} on {device}", flush=True)
            metadata = trainer.resume_training(args.out, args.data_dir, STOP_REQUESTED, verbose)
        else:
            print(f"Training preset {preset_name!r} on {device} into {args.out}", flush=True)
            metadata = trainer.run_training(config, args.out, args.data_dir, STOP_REQUESTED, verbose, preset_name)
    except ResumeRefused as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (MnistDataError, CheckpointError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not metadata:
        print(f"Stopped. The last checkpoint is in {args.out}.", flush=True)
        return 0
    print(f"Test accuracy {metadata['test_accuracy']:.4f} on {metadata['test_samples']} images, "
          f"{metadata['wall_time_s']:.0f} s. Model: {args.out}/model.keras", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
