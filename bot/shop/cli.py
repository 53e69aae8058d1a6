"""`python -m bot.shop ...`: manage the shop's SQL backend (for now: fill it with the demo shop)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable



def _cmd_seed(args: argparse.Namespace) -> int:
    from sqlalchemy import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from bot.db import get_engine
    from bot.settings import get_settings
    from bot.shop.seed import seed_demo_shop

    try:
        summary = seed_demo_shop(get_engine(), reset=args.reset)
    except SQLAlchemyError as error:
        where = make_url(get_settings().database).render_as_string(hide_password=True)
        reason = str(getattr(error, "orig", None) or error).strip()
        print(f"error: could not seed the shop database {where}: {reason}", file=sys.stderr)
        return 1
    print("\n".join(summary.lines()))
    return 0


def _cmd_serve_api(args: argparse.Namespace) -> int:
    from aiohttp import web

    from bot.db import get_engine
    from bot.settings import get_settings
    from bot.shop.api_server import create_shop_api_app
    from bot.shop.sql import SqlShopBackend

    settings = get_settings()
    if not settings.shop_api_token:
        print("error: set shop_api_token (DORADCA_SHOP_API_TOKEN): the API refuses to run without one", file=sys.stderr)
        return 2
    app = create_shop_api_app(SqlShopBackend(get_engine()), settings.shop_api_token)
    web.run_app(app, host=args.host or settings.host, port=args.port)
    return 0


def add_shop_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the shop's subcommands to a parser; `python -m bot shop` can reuse this."""

    def add(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    seed = add(
        "seed",
        _cmd_seed,
        "Fill the shop database (the `database_url` setting; SQLite in var/ by default) with a demo "
        "fashion and home-goods shop: products with sizes and stock, 4 stores, customers and orders in "
        "every state. Running it again adds only what is missing.",
    )
    seed.add_argument("--reset", action="store_true", help="empty every shop_ table first (other tables are kept)")

    serve_api = add(
        "serve-api",
        _cmd_serve_api,
        "Serve the shop REST API of docs/shop-api.md from the shop database, for a shop without an API "
        "of its own; requests need the `shop_api_token` setting as their bearer token.",
    )
    serve_api.add_argument("--port", type=int, default=8090, help="port to listen on (default 8090)")
    serve_api.add_argument("--host", default="", help="interface to listen on (default: the `host` setting)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.shop", description="The shop's SQL backend.")
    add_shop_commands(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    return parser


def main(argv: list[str] | None = None) -> int:
    from bot.cli import run_command

    return run_command(build_parser(), argv)
