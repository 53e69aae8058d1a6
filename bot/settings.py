"""Project settings: one typed model, read from `doradca.yml` and `DORADCA_*` variables.

Precedence (lowest to highest): defaults below, `doradca.yml` in the project
root (or the file named by `DORADCA_SETTINGS`), then environment variables
named `DORADCA_<FIELD>` in upper case, e.g. `DORADCA_RASA_PORT=5006`.
Relative paths are resolved against the project root, so every process (Rasa,
action server, web app, tests) agrees on where files live whatever its cwd.
"""

from __future__ import annotations

import os
import secrets
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "DORADCA_"


class SettingsError(Exception):
    """The settings file or an environment variable holds an invalid value."""


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    home: Path = Field(default=PROJECT_ROOT, description="Project root; relative paths start here.")
    host: str = Field(default="127.0.0.1", description="Interface every service listens on.")
    rasa_port: int = Field(default=5005, ge=1, le=65535)
    action_port: int = Field(default=5055, ge=1, le=65535)
    web_port: int = Field(default=8080, ge=1, le=65535)
    console_port: int = Field(default=8081, ge=1, le=65535, description="The consultants' console.")
    var_dir: Path = Field(default=Path("var"), description="Runtime state: databases, logs, secrets, caches.")
    database_url: str = Field(
        default="", description="SQLAlchemy URL of the project's database; empty means SQLite in var_dir."
    )
    tracker_db: Path | None = Field(default=None, description="SQLite file of Rasa's tracker store; unset means var_dir.")
    rasa_token: str = Field(
        default="", description="Token for Rasa's HTTP API; empty means a generated secret kept in var_dir."
    )
    rasa_credentials: Path = Field(
        default=Path("credentials.yml"), description="Rasa's channels (socket.io, REST, chat apps, callback)."
    )
    model_path: Path = Field(default=Path("models/doradca.tar.gz"), description="Trained Rasa model.")
    rasa_python: Path = Field(default=Path(".venv/rasa/bin/python"), description="Interpreter of the Rasa environment.")
    default_language: str = Field(default="en", pattern="^(en|pl|ro)$")
    faq_dir: Path = Field(default=Path("faq"), description="The curated FAQ: YAML files, one per section.")
    faq_model: str = Field(
        default="bundled:all-MiniLM-L6-v2",
        description="Embedding model: 'bundled:all-MiniLM-L6-v2' or a folder with a sentence-transformers model.",
    )
    faq_index_dir: Path | None = Field(default=None, description="Where the FAQ index is kept; unset means var_dir.")
    faq_answer_threshold: float | None = Field(
        default=None, ge=0, le=1, description="Score above which the FAQ answers; unset = calibrated default."
    )
    faq_clarify_threshold: float | None = Field(
        default=None, ge=0, le=1, description="Score above which it asks 'did you mean'; unset = calibrated default."
    )
    faq_reload_seconds: float = Field(default=2.0, gt=0, description="How often faq/ is checked for edits.")
    faq_tuning: bool = Field(
        default=True, description="Fine-tune the embedding model on the FAQ's questions (cached; minutes on a CPU)."
    )
    faq_tuning_delay_seconds: float = Field(
        default=60.0, ge=0, description="After an edit, how long faq/ must stay quiet before the bot fine-tunes again."
    )
    cache_dir: Path | None = Field(
        default=None, description="Caches shared by checkouts (fine-tuned models); unset means ~/.cache/doradca."
    )
    events_db: Path | None = Field(
        default=None, description="SQLite file of Rasa's event stream, read by the console; unset means var_dir."
    )
    handoff_hours: str = Field(
        default="mon-fri 08:00-20:00; sat 09:00-15:00",
        description="When consultants take chats, e.g. 'mon-fri 08:00-20:00; sat 09:00-15:00'.",
    )
    handoff_timezone: str = Field(default="Europe/Warsaw", description="Time zone of handoff_hours.")
    handoff_wait_seconds: float = Field(
        default=180.0, gt=0, description="If nobody claims a waiting customer this long, offer a callback or e-mail."
    )
    handoff_reconnect_grace_seconds: float = Field(
        default=60.0, gt=0, description="A consultant silent this long loses their conversations to the queue."
    )
    handoff_ticket_reply_hours: float = Field(
        default=4.0, gt=0, description="Promised reply time of a callback / e-mail ticket, in opening hours."
    )
    console_secure_cookies: bool = Field(
        default=False, description="Mark the console's session cookie Secure (set behind HTTPS)."
    )
    shop_backend: str = Field(
        default="sql", pattern="^(sql|http)$", description="Where orders and stock come from: our database or a shop's API."
    )
    shop_api_url: str = Field(default="", description="Base URL of the shop's REST API (docs/shop-api.md), for shop_backend http.")
    shop_api_token: str = Field(default="", description="Bearer token sent to the shop's API.")
    shop_api_timeout_seconds: float = Field(default=5.0, gt=0, description="How long one call to the shop's API may take.")
    shop_api_retries: int = Field(default=2, ge=0, le=10, description="Retries of a failed call to the shop's API (writes carry an Idempotency-Key, so they apply once).")
    shop_demo_data: bool = Field(
        default=True, description="`make run` fills an empty shop database with the demo shop (switch off in production)."
    )
    shop_identity_secret: str = Field(
        default="",
        description="Shared with the website, which signs its signed-in customer's e-mail; empty = a local secret.",
    )
    shop_return_days: int = Field(default=30, ge=0, description="Days after delivery in which an order can be returned.")
    shop_product_url: str = Field(
        default="",
        description="Link to a product page with {sku} for the product's SKU, e.g. 'https://shop.example/p/{sku}'; "
        "back-in-stock alerts include it. Empty = no link.",
    )
    smtp_host: str = Field(default="", description="SMTP server that sends back-in-stock e-mails; empty = none sent.")
    smtp_port: int = Field(default=587, ge=1, le=65535, description="Port of smtp_host (587 with STARTTLS, 25 without).")
    smtp_username: str = Field(default="", description="SMTP login; empty = send without logging in.")
    smtp_password: str = Field(default="", description="SMTP password of smtp_username.")
    smtp_starttls: bool = Field(default=True, description="Upgrade the SMTP connection with STARTTLS before logging in.")
    alert_sender_email: str = Field(
        default="", description="From address of back-in-stock e-mails, e.g. 'Shop <alerts@shop.example>'."
    )
    sms_gateway_url: str = Field(
        default="",
        description="HTTP gateway for back-in-stock SMS: each one is a POST of JSON "
        '{"to": "+48600700800", "text": "...", "sender": sms_sender} with "Authorization: Bearer '
        '<sms_gateway_token>"; any 2xx means accepted. Empty = no SMS sent.',
    )
    sms_gateway_token: str = Field(default="", description="Bearer token sent to sms_gateway_url.")
    sms_sender: str = Field(default="Doradca", max_length=11, description="Sender name shown on the SMS (max 11 chars).")
    alert_send_timeout_seconds: float = Field(
        default=10.0, gt=0, description="How long one e-mail or SMS hand-over may take before it counts as failed."
    )
    alert_max_attempts: int = Field(
        default=5, ge=1, le=100, description="Failed sends of one alert (one per notify run) before it is marked failed."
    )
    log_level: str = Field(default="INFO")

    def path(self, value: Path) -> Path:
        """Resolve a possibly relative path against the project root."""
        return value if value.is_absolute() else self.home / value

    @property
    def var_path(self) -> Path:
        return self.path(self.var_dir)

    @property
    def log_dir(self) -> Path:
        return self.var_path / "log"

    @property
    def tracker_db_path(self) -> Path:
        return self.path(self.tracker_db) if self.tracker_db else self.var_path / "rasa-tracker.db"

    @property
    def events_db_path(self) -> Path:
        return self.path(self.events_db) if self.events_db else self.var_path / "rasa-events.db"

    @property
    def faq_index_path(self) -> Path:
        return self.path(self.faq_index_dir) if self.faq_index_dir else self.var_path / "faq-index"

    @property
    def cache_path(self) -> Path:
        if self.cache_dir:
            return self.path(self.cache_dir)
        # The same folder scripts/ensure-env.sh keeps the environments in.
        if os.environ.get("DORADCA_CACHE"):
            return Path(os.environ["DORADCA_CACHE"])
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "doradca"

    @property
    def faq_tuned_models_path(self) -> Path:
        return self.cache_path / "faq-models"

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.var_path / 'doradca.db'}"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}"

    @property
    def web_url(self) -> str:
        return f"http://{self.host}:{self.web_port}"

    @property
    def console_url(self) -> str:
        return f"http://{self.host}:{self.console_port}"

    def resolved_rasa_token(self) -> str:
        """The API token: the configured one, else a local secret created once (mode 0600)."""
        return self.rasa_token or self.local_secret("rasa-token")

    def resolved_shop_identity_secret(self) -> str:
        """The secret the website signs customers' identities with (see bot/shop/identity.py)."""
        return self.shop_identity_secret or self.local_secret("shop-identity")

    def local_secret(self, name: str) -> str:
        """A random secret created once in var_dir/secrets (mode 0600) and shared by every process."""
        secret_file = self.var_path / "secrets" / name
        if not secret_file.exists():
            secret_file.parent.mkdir(parents=True, exist_ok=True)
            # Written whole to a private file, then linked into place: os.link fails if the name
            # exists, so two processes (or threads) starting together agree on one secret, and none
            # can read the file half-written (an empty Rasa token once started Rasa with `-t ''`).
            draft = secret_file.with_name(f".{name}.{os.getpid()}.{threading.get_ident()}")
            fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(32))
            try:
                os.link(draft, secret_file)
            except FileExistsError:
                pass
            finally:
                draft.unlink()
        return secret_file.read_text().strip()


def _from_environment(environ: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in Settings.model_fields:
        key = ENV_PREFIX + name.upper()
        if key in environ:
            values[name] = environ[key]
    return values


def load_settings(environ: dict[str, str] | None = None, settings_file: Path | None = None) -> Settings:
    """Read the settings; raises SettingsError naming the file or variable that is wrong."""
    environ = dict(os.environ if environ is None else environ)
    home = Path(environ.get(ENV_PREFIX + "HOME", PROJECT_ROOT))
    settings_file = settings_file or Path(environ.get(ENV_PREFIX + "SETTINGS", home / "doradca.yml"))
    values: dict[str, Any] = {"home": home}
    source = "defaults"
    if settings_file.exists():
        try:
            loaded = yaml.safe_load(settings_file.read_text()) or {}
        except yaml.YAMLError as error:
            raise SettingsError(f"{settings_file}: not valid YAML: {error}") from error
        if not isinstance(loaded, dict):
            raise SettingsError(f"{settings_file}: expected a mapping of setting names to values")
        values.update(loaded)
        source = str(settings_file)
    values.update(_from_environment(environ))
    try:
        return Settings(**values)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}" for item in error.errors()
        )
        raise SettingsError(f"invalid settings ({source} and {ENV_PREFIX}* variables): {problems}") from error


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
