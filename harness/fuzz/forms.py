"""Bad settings, typed into the Train page's boxes or given to `python -m training`: both read them with one parser each."""

from pathlib import Path

from harness.fuzz.case import ACCEPT, EITHER, REFUSE, short
from harness.fuzz.mutations import deep_json, hostile_text, link, pick
from training.run_folder import CONFIG_FILE

WHOLE_NAMES = ("epochs", "samples", "units", "layers", "batch_size", "limit", "seed")
CLI_OPTIONS = {"epochs": "--epochs", "samples": "--samples", "units": "--units", "layers": "--layers",
               "batch_size": "--batch-size", "limit": "--limit", "seed": "--seed"}  # fmt: skip


def _whole_is_sound(name: str, text: str) -> bool:
    from training.presets import WHOLE_SETTINGS

    low, high = WHOLE_SETTINGS[name]
    text = text.strip()
    return text.isascii() and text.isdigit() and len(text) < 30 and low <= int(text) <= (high or 10**30)


def _rate_is_sound(text: str) -> bool:
    try:
        return 0 < float(text) <= 1 and len(text.strip()) <= 64
    except ValueError:
        return False


def _form_text(rng) -> str:
    return pick(rng, ["3", "128", "20", "0.001", "1", "1000", "4294967295"]) if rng.random() < 0.15 else hostile_text(rng)


def _whole_box(rng):
    name = pick(rng, WHOLE_NAMES)
    text = _form_text(rng)
    expect = ACCEPT if _whole_is_sound(name, text) else REFUSE
    return f"{name} box: {short(repr(text), 60)}", lambda folder: ("whole", name, text), expect


def _rate_box(rng):
    text = _form_text(rng)
    return f"learning rate box: {short(repr(text), 60)}", lambda folder: ("rate", text), ACCEPT if _rate_is_sound(text) else REFUSE


def _command_line(rng):
    sort = int(rng.integers(6))
    if sort <= 2:
        name = pick(rng, WHOLE_NAMES + ("learning_rate",))
        text = _form_text(rng)
        option = CLI_OPTIONS.get(name, "--lr")
        sound = _rate_is_sound(text) if name == "learning_rate" else _whole_is_sound(name, text)
        arguments, expect = [option, text], EITHER if sound else REFUSE
    elif sort == 3:
        arguments = pick(rng, [["--preset", hostile_text(rng)], ["--resume", "--epochs", "3"], ["--config", "x", "--units", "4"],
                               ["--bogus"], ["--epochs"], ["--augment=maybe"], ["--resume", "--config", "x"]])  # fmt: skip
        expect = REFUSE
    elif sort == 4:
        return _cli_config_case(rng)
    else:
        arguments, expect = [], EITHER
    out = pick(rng, ["run", "../../escape", "/etc", "runs/Ω", "--x"]) if sort == 5 else "run"
    without_out = sort == 5 and rng.random() < 0.3
    words = " ".join(arguments) + ("" if without_out else f" --out {out}")
    return (
        f"python -m training {short(words, 80)}",
        lambda folder: ("cli", [*arguments, *([] if without_out else ["--out", out])]),
        expect,
    )


def _cli_config_case(rng):
    content = pick(rng, ["", "{", "[]", deep_json(), '{"config": null}', '{"config": {"epochs": "many"}}', '{"config": {"epochs": 1e400}}',
                         '{"preset": 7, "config": {"model": {"units": -4}}}', '{"config": {"learning_rate": NaN}}',
                         '{"config": {"model": "x"}}', '{"config": {"epochs": 3, "bogus": 1}}', '{"config": {}}'])  # fmt: skip
    link_to = pick(rng, [None, None, "/etc/passwd", "/nonexistent.json", "folder"])

    def make(folder: Path):
        path = folder / CONFIG_FILE
        if link_to == "folder":
            path.mkdir()
        elif link_to:
            link(path, link_to)
        else:
            path.write_text(content, encoding="utf-8")
        return "cli", ["--config", str(path), "--out", str(folder / "run")]

    sound = content in ('{"config": {}}', '{"config": {"epochs": 3, "bogus": 1}}') and link_to is None  # unknown keys: either
    return f"python -m training --config <{link_to or short(repr(content), 50)}>", make, EITHER if sound else REFUSE


def families() -> list:
    """The makers of form and command-line cases, rng -> (what, make, expect), in the order cases() takes them round."""
    return [_whole_box, _rate_box, _command_line, _command_line]
