"""Consultant accounts: passwords hashed with Argon2id, never stored or logged in clear."""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.handoff.models import Consultant

_HASHER = PasswordHasher()
# Verifying against this when the user does not exist costs the same time as a real check,
# so response times do not reveal which usernames exist.
_DUMMY_HASH = _HASHER.hash("doradca-no-such-user")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_CHARS = 10


class ConsultantError(ValueError):
    """A consultant account cannot be created as asked; the message says why."""


@dataclass(frozen=True)
class ConsultantView:
    id: int
    username: str
    display_name: str


def add_consultant(engine: Engine, username: str, display_name: str, password: str) -> ConsultantView:
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise ConsultantError("the username must be 2-64 lower-case letters, digits, '.', '_' or '-'")
    if len(password) < MIN_PASSWORD_CHARS:
        raise ConsultantError(f"the password must have at least {MIN_PASSWORD_CHARS} characters")
    if not display_name.strip():
        raise ConsultantError("the display name (shown to colleagues) must not be empty")
    try:
        with Session(engine) as session, session.begin():
            consultant = Consultant(
                username=username, display_name=display_name.strip(), password_hash=_HASHER.hash(password)
            )
            session.add(consultant)
            session.flush()
            return ConsultantView(consultant.id, consultant.username, consultant.display_name)
    except IntegrityError as error:
        raise ConsultantError(f"a consultant named {username!r} already exists") from error


def set_password(engine: Engine, username: str, password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise ConsultantError(f"the password must have at least {MIN_PASSWORD_CHARS} characters")
    with Session(engine) as session, session.begin():
        consultant = session.scalars(select(Consultant).where(Consultant.username == username.lower())).first()
        if consultant is None:
            raise ConsultantError(f"there is no consultant named {username!r}")
        consultant.password_hash = _HASHER.hash(password)


def authenticate(engine: Engine, username: str, password: str) -> ConsultantView | None:
    """The consultant if the password is right, else None (same answer for an unknown username)."""
    with Session(engine) as session, session.begin():
        consultant = session.scalars(
            select(Consultant).where(Consultant.username == username.strip().lower())
        ).first()
        try:
            _HASHER.verify(consultant.password_hash if consultant else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if consultant is None:
            return None
        if _HASHER.check_needs_rehash(consultant.password_hash):
            consultant.password_hash = _HASHER.hash(password)
        return ConsultantView(consultant.id, consultant.username, consultant.display_name)


def list_consultants(engine: Engine) -> list[ConsultantView]:
    with Session(engine) as session:
        return [
            ConsultantView(c.id, c.username, c.display_name)
            for c in session.scalars(select(Consultant).order_by(Consultant.username))
        ]


def get_consultant(engine: Engine, consultant_id: int) -> ConsultantView | None:
    with Session(engine) as session:
        consultant = session.get(Consultant, consultant_id)
        return None if consultant is None else ConsultantView(consultant.id, consultant.username, consultant.display_name)
