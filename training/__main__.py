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

from i18n import N_  # noqa: E402
from training.cli import new_run_config, parse_args  # noqa: E402
from training.presets import TrainConfig  # noqa: E402
from training.resume import CheckpointError, ResumeRefused, check_resumable, saved_config  # noqa: E402
from training.run_folder import CANCELLED, write_config, write_status  # noqa: E402
from training.run_log import disk_fault, disk_fault_words, note, say  # noqa: E402

CANCELLED_BEFORE_TRAINING = N_("Cancelled before training began")  # translated where shown


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
    say(run_dir, f"{CANCELLED_BEFORE_TRAINING}. Resume it with: python -m training --resume --out {args.out}")
    return 0


def train(trainer, args: argparse.Namespace, preset_name: str | None, config: TrainConfig | None) -> int:
    """Train or resume to the end or to a stop; the exit status the module's docstring promises."""
    from model.mnist import MnistDataError
    from training.devices import describe_device, device_label

    verbose = 1 if sys.stdout.isatty() else 2
    device = device_label(describe_device())
    try:
        if args.resume:
            say(args.out, f"Resuming the run in {args.out} on {device}")
            metadata = trainer.resume_training(args.out, args.data_dir, STOP_REQUESTED, verbose)
        else:
            say(args.out, f"Training preset {preset_name!r} on {device} into {args.out}")
            metadata = trainer.run_training(config, args.out, args.data_dir, STOP_REQUESTED, verbose, preset_name)
    except ResumeRefused as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (MnistDataError, CheckpointError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except Exception as error:
        fault = disk_fault(error)  # a full or read-only disk, which TensorFlow's writers name only in words
        if fault is None:
            raise  # its traceback, in train.log, is for whoever debugs the server
        print(f"error: {error}", file=sys.stderr, flush=True)  # the path and the number, for the command line
        note(args.out, f"error: {disk_fault_words(fault, 'the run stopped', 'resume it from its last checkpoint')}")
        return 1
    if not metadata:
        say(args.out, f"Stopped. The last checkpoint is in {args.out}.")
        return 0
    say(args.out, f"Test accuracy {metadata['test_accuracy']:.4f} on {metadata['test_samples']} images, "
                  f"{metadata['wall_time_s']:.0f} s. Model: {args.out}/model.keras")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
