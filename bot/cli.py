"""`python -m bot ...`: start the bot, run one of its services, or look at what it collected."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from typing import Callable

from bot.settings import SettingsError, get_settings

_WATCH_SECONDS = 1.0


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _cmd_run(_args: argparse.Namespace) -> int:
    from bot.logs import configure_logging
    from bot.stack.ports import PortInUseError
    from bot.stack.services import all_services
    from bot.stack.supervisor import ServiceFailedError, Supervisor

    settings = get_settings()
    configure_logging(settings.log_level)
    model = settings.path(settings.model_path)
    if not model.exists():
        print(f"error: no trained model at {model}; run `make train` (or `make run`, which trains).", file=sys.stderr)
        return 1
    # Ctrl-C and SIGTERM (from a service manager) both stop the services in order. SIGINT
    # is installed explicitly: a shell that starts us in the background ignores it.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    supervisor = Supervisor(settings, all_services(settings))
    started = time.monotonic()
    print("Starting the Rasa server, the action server and the web app (logs in "
          f"{settings.log_dir})...", flush=True)
    try:
        supervisor.start()
        print(
            f"\nDoradca is ready after {time.monotonic() - started:.0f} s:\n"
            f"  chat page     {settings.web_url}/\n"
            f"  health        {settings.web_url}/health\n"
            f"  Rasa REST     {settings.rasa_url}/webhooks/rest/webhook\n"
            f"  Rasa API      {settings.rasa_url} (token: `python -m bot token`)\n"
            f"  actions       {settings.action_url}/webhook\n"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        while True:
            for event in supervisor.watch_once():
                print(f"warning: {event}", file=sys.stderr, flush=True)
            time.sleep(_WATCH_SECONDS)
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
        supervisor.stop()
        print("Stopped.")
        return 0
    except (PortInUseError, ServiceFailedError) as error:
        supervisor.stop()
        print(f"error: {error}", file=sys.stderr)
        return 1


def _cmd_web(_args: argparse.Namespace) -> int:
    from aiohttp import web

    from bot.logs import configure_logging
    from bot.web.app import create_app

    settings = get_settings()
    configure_logging(settings.log_level)
    web.run_app(create_app(settings), host=settings.host, port=settings.web_port, print=None)
    return 0


def _cmd_token(_args: argparse.Namespace) -> int:
    print(get_settings().resolved_rasa_token())
    return 0


def _cmd_env(_args: argparse.Namespace) -> int:
    import shlex

    from bot.stack.services import settings_environment

    for key, value in sorted(settings_environment(get_settings()).items()):
        print(f"export {key}={shlex.quote(value)}")
    return 0


def _cmd_settings(_args: argparse.Namespace) -> int:
    settings = get_settings()
    for name, value in settings.model_dump().items():
        if name == "rasa_token" and value:
            value = "***"
        print(f"{name}: {value}")
    print(f"database (effective): {settings.database}")
    print(f"tracker_db (effective): {settings.tracker_db_path}")
    return 0


def _cmd_unanswered(args: argparse.Namespace) -> int:
    from bot.db import get_engine
    from bot.insights.unanswered import most_asked

    rows = most_asked(get_engine(), limit=args.limit, language=args.lang)
    if not rows:
        print("No unanswered questions recorded.")
        return 0
    print(f"{'times':>5}  {'lang':4}  {'last asked (UTC)':19}  question")
    for row in rows:
        print(f"{row.times:>5}  {row.language:4}  {row.last_asked:%Y-%m-%d %H:%M:%S}  {row.text}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Doradca, an FAQ chatbot and virtual shop advisor. Settings come from doradca.yml "
        "and DORADCA_* environment variables.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    add("run", _cmd_run, "Start the Rasa server, the action server and the web app; Ctrl-C stops them.")
    add("web", _cmd_web, "Run only the web app (chat page and health page).")
    add("token", _cmd_token, "Print the token of Rasa's HTTP API (generated on first use).")
    add("env", _cmd_env, "Print the settings as shell exports (Rasa's endpoints.yml reads them).")
    add("settings", _cmd_settings, "Print the effective settings.")
    unanswered = add("unanswered", _cmd_unanswered, "List the questions the bot could not answer, most asked first.")
    unanswered.add_argument("--limit", type=int, default=20, help="how many to show (default 20)")
    unanswered.add_argument("--lang", choices=["en", "pl", "ro"], help="only questions in this language")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
