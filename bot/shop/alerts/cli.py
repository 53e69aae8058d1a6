"""`python -m bot notify`: send the back-in-stock alerts that are due, once or every N seconds."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when the command runs: `python -m bot --help` stays quick
    from bot.shop.alerts.notifier import AlertOutcome, Notifier

# Shown as they happen; "still waiting" and "another run has it" would drown them.
_QUIET_OUTCOMES = {"waiting", "taken"}

DESCRIPTION = (
    "Send the back-in-stock alerts that are due: for every waiting alert, ask the shop (the shop_backend "
    "setting) whether its size is in stock online or in any store; if so, send it once, by e-mail "
    "(smtp_host, alert_sender_email) or SMS (sms_gateway_url), in the customer's language. A failed send "
    "is retried by the next run, up to alert_max_attempts. Safe to run from several places at once. "
    "Exit status 1 when a send failed in a single run."
)


def add_notify_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help="check stock and show what would be sent; send and change nothing"
    )
    parser.add_argument(
        "--every",
        type=float,
        metavar="SECONDS",
        help="keep running, starting a new pass this many seconds after the last began (Ctrl-C stops)",
    )


def cmd_notify(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.logs import configure_logging
    from bot.settings import get_settings
    from bot.shop.alerts.notifier import Notifier

    if args.every is not None and args.every <= 0:
        print("error: --every needs a positive number of seconds", file=sys.stderr)
        return 2
    settings = get_settings()
    configure_logging("WARNING")  # the progress bar and the summary say what happened; warnings still show
    notifier = Notifier.from_settings(settings)
    if args.every is not None:
        # A service manager stops us with SIGTERM: finish like Ctrl-C, between passes or mid-pass.
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        while True:
            started = time.monotonic()
            try:
                failed = _one_pass(notifier, dry_run=args.dry_run)
            except SQLAlchemyError as error:
                reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
                print(f"error: the alerts database cannot be used: {reason}", file=sys.stderr)
                if args.every is None:
                    return 1
                failed = True
            if args.every is None:
                return 1 if failed else 0
            # Waiting for the next pass is the point of --every, not a stand-in for a condition.
            time.sleep(max(0.0, args.every - (time.monotonic() - started)))
    except KeyboardInterrupt:
        print("Stopped.")
        return 0


def _one_pass(notifier: Notifier, *, dry_run: bool) -> bool:
    from tqdm import tqdm

    bar: tqdm | None = None

    def progress(outcome: AlertOutcome, done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            # disable=None: a bar on a terminal, nothing in cron's mail or a log file.
            bar = tqdm(total=total, unit="alert", desc="alerts", disable=None, file=sys.stderr)
        if outcome.outcome.value not in _QUIET_OUTCOMES:
            bar.write(outcome.line())
        bar.update(1)

    try:
        report = notifier.run(dry_run=dry_run, on_progress=progress)
    finally:
        if bar is not None:
            bar.close()
    prefix = "dry run: " if dry_run else ""
    print(f"{prefix}{report.summary()}", flush=True)
    return report.failed > 0


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt
