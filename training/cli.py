"""The command line of `python -m training`: its arguments, and the settings of a new run they give.

Apart from training/__main__.py, which stops on signals and trains, so that tests and the fuzz can read a command
line as the process would without becoming that process.
"""

import argparse
import sys
from pathlib import Path

from model.config import CELLS
from training.presets import PRESETS, TrainConfig, learning_rate_setting, preset, share_setting, too_small, whole_setting
from training.run_folder import read_settings


def typed(parse, *names):
    """An argparse type from one of the settings' parsers, which the Train page's boxes share, with their message."""

    def parse_or_explain(text: str):
        try:
            return parse(*names, text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return parse_or_explain


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m training", description="Train a network (LSTM, GRU or plain RNN) to read MNIST digits row by row."
    )
    parser.add_argument("--out", required=True, help="run folder to write progress, checkpoints and the model into")
    parser.add_argument("--resume", action="store_true", help="carry the cancelled or failed run in --out on from its checkpoint")
    parser.add_argument("--config", metavar="FILE", help="all the settings of a new run, from a run folder's config.json")
    parser.add_argument("--data-dir", help="folder of the four MNIST IDX files (default: $MNIST_DIR, the Keras cache, else download)")
    group = parser.add_argument_group("settings of a new run, the preset's unless given (kept in its config.json, so not with --resume)")
    settings = [
        group.add_argument("--preset", choices=sorted(PRESETS), help="recipe to start from (default: default)"),
        group.add_argument("--epochs", type=typed(whole_setting, "epochs"), help="passes over the training part"),
        group.add_argument("--samples", type=typed(whole_setting, "samples"), help="stop after this many training samples"),
        group.add_argument("--cell", choices=CELLS, help="recurrent cell: lstm, gru, or rnn (a plain RNN, no gates)"),
        group.add_argument("--units", type=typed(whole_setting, "units"), help="units per recurrent layer"),
        group.add_argument("--layers", type=typed(whole_setting, "layers"), help="stacked recurrent layers, 1 to 3"),
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
