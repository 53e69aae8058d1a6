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
    if settings.shop_backend == "sql" and settings.shop_demo_data:
        from bot.db import get_engine
        from bot.shop.seed import seed_demo_shop_if_empty

        if seed_demo_shop_if_empty(get_engine()) is not None:
            print("The shop database was empty: filled it with the demo shop (setting shop_demo_data).", flush=True)
    # Ctrl-C and SIGTERM (from a service manager) both stop the services in order. SIGINT
    # is installed explicitly: a shell that starts us in the background ignores it.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    supervisor = Supervisor(settings, all_services(settings))
    started = time.monotonic()
    print("Starting the Rasa server, the action server, the web app and the console (logs in "
          f"{settings.log_dir})...", flush=True)
    try:
        supervisor.start()
        print(
            f"\nDoradca is ready after {time.monotonic() - started:.0f} s:\n"
            f"  chat page     {settings.web_url}/\n"
            f"  console       {settings.console_url}/ (consultants; add one with "
            "`python -m bot consultants add`)\n"
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


def _cmd_console(_args: argparse.Namespace) -> int:
    from aiohttp import web

    from bot.console.app import create_console_app
    from bot.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level)
    web.run_app(create_console_app(settings), host=settings.host, port=settings.console_port, print=None)
    return 0


def _new_password() -> str:
    """From DORADCA_CONSULTANT_PASSWORD (scripts), else typed twice without echo."""
    import getpass
    import os

    if os.environ.get("DORADCA_CONSULTANT_PASSWORD"):
        return os.environ["DORADCA_CONSULTANT_PASSWORD"]
    try:
        password = getpass.getpass("Password: ")
        again = getpass.getpass("Password again: ")
    except EOFError:  # no terminal and nothing on stdin, e.g. a script that forgot the variable
        raise ValueError("no password given: type it at a terminal or set DORADCA_CONSULTANT_PASSWORD") from None
    if again != password:
        raise ValueError("the two passwords differ")
    return password


def _cmd_consultants_add(args: argparse.Namespace) -> int:
    from bot.db import get_engine
    from bot.handoff.consultants import ConsultantError, add_consultant

    try:
        consultant = add_consultant(get_engine(), args.username, args.name, _new_password())
    except (ConsultantError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Added consultant {consultant.username} ({consultant.display_name}); "
          f"they log in at {get_settings().console_url}/")
    return 0


def _cmd_consultants_list(_args: argparse.Namespace) -> int:
    from bot.db import get_engine
    from bot.handoff.consultants import list_consultants

    consultants = list_consultants(get_engine())
    if not consultants:
        print("No consultants yet: add one with `python -m bot consultants add USERNAME --name \"Full Name\"`.")
        return 0
    for consultant in consultants:
        print(f"{consultant.username:24}  {consultant.display_name}")
    return 0


def _cmd_consultants_passwd(args: argparse.Namespace) -> int:
    from bot.db import get_engine
    from bot.handoff.consultants import ConsultantError, set_password

    try:
        set_password(get_engine(), args.username, _new_password())
    except (ConsultantError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Password of {args.username} changed.")
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
        # Every secret, not only Rasa's token: SMTP passwords and gateway tokens end up in pasted output.
        if value and name.endswith(("_token", "_password", "_secret")):
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


def _no_subcommand(_args: argparse.Namespace) -> int:
    print("error: choose an action; see --help", file=sys.stderr)
    return 2


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

    add("run", _cmd_run, "Start the Rasa server, the action server, the web app and the console; Ctrl-C stops them.")
    add("web", _cmd_web, "Run only the web app (chat page and health page).")
    add("console", _cmd_console, "Run only the consultants' console (log in, take over conversations).")
    consultants = add("consultants", _no_subcommand, "Manage the consultants who log in to the console.")
    consultant_commands = consultants.add_subparsers(dest="consultants_command", metavar="ACTION")
    added = consultant_commands.add_parser(
        "add",
        help="add a consultant (password typed twice, or from DORADCA_CONSULTANT_PASSWORD)",
        description="Add a consultant. The password is typed twice without echo, or taken from the "
        "DORADCA_CONSULTANT_PASSWORD environment variable (for scripts); at least 10 characters.",
    )
    added.add_argument("username", help="login name: lower-case letters, digits, '.', '_' or '-'")
    added.add_argument("--name", required=True, help='the name colleagues see, e.g. "Anna Nowak"')
    added.set_defaults(handler=_cmd_consultants_add)
    listed = consultant_commands.add_parser("list", help="list the consultants", description="List the consultants.")
    listed.set_defaults(handler=_cmd_consultants_list)
    passwd = consultant_commands.add_parser(
        "passwd",
        help="set a consultant's password",
        description="Set a consultant's password (typed twice, or from DORADCA_CONSULTANT_PASSWORD).",
    )
    passwd.add_argument("username", help="the consultant's login name")
    passwd.set_defaults(handler=_cmd_consultants_passwd)
    shop = add("shop", _no_subcommand, "Manage the shop's SQL backend (e.g. `shop seed` fills a demo shop).")
    from bot.shop.cli import add_shop_commands

    add_shop_commands(shop.add_subparsers(dest="shop_command", metavar="ACTION"))
    from bot.shop.alerts.cli import DESCRIPTION as NOTIFY_DESCRIPTION, add_notify_arguments, cmd_notify

    notify = commands.add_parser(
        "notify", help="Send the back-in-stock alerts that are due (e-mail, SMS).", description=NOTIFY_DESCRIPTION
    )
    notify.set_defaults(handler=cmd_notify)
    add_notify_arguments(notify)
    add("token", _cmd_token, "Print the token of Rasa's HTTP API (generated on first use).")
    add("env", _cmd_env, "Print the settings as shell exports (Rasa's endpoints.yml reads them).")
    add("settings", _cmd_settings, "Print the effective settings.")
    unanswered = add("unanswered", _cmd_unanswered, "List the questions the bot could not answer, most asked first.")
    unanswered.add_argument("--limit", type=int, default=20, help="how many to show (default 20)")
    unanswered.add_argument("--lang", choices=["en", "pl", "ro"], help="only questions in this language")
    return parser


def main(argv: list[str] | None = None) -> int:
    return run_command(build_parser(), argv)


def run_command(parser: argparse.ArgumentParser, argv: list[str] | None) -> int:
    """Parse `argv` and run the chosen command; a settings problem is one readable line (exit 2)."""
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
