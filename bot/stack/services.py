"""How each of the bot's processes is started and how we know it is ready."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import ENV_PREFIX, Settings


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    argv: list[str]
    ready_url: str
    port: int
    port_setting: str
    env: dict[str, str] = field(default_factory=dict)
    start_timeout: float = 60.0


def settings_environment(settings: Settings) -> dict[str, str]:
    """Environment that hands `settings` to a child process (and to endpoints.yml)."""
    env = {
        ENV_PREFIX + name.upper(): str(value)
        for name, value in settings.model_dump().items()
        if value not in ("", None)
    }
    env.update(
        {
            # endpoints.yml reads these: Rasa expands ${VAR} in its endpoint files.
            "DORADCA_ACTION_ENDPOINT": f"{settings.action_url}/webhook",
            "DORADCA_TRACKER_DB_FILE": str(settings.tracker_db_path),
            "DORADCA_EVENTS_DB_FILE": str(settings.events_db_path),
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            # Models load from site-packages; nothing may be fetched from a hub at run time.
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
        }
    )
    return env


def rasa_executable(settings: Settings) -> Path:
    return settings.path(settings.rasa_python).parent / "rasa"


def rasa_service(settings: Settings) -> ServiceSpec:
    model = settings.path(settings.model_path)
    return ServiceSpec(
        name="Rasa server",
        argv=[
            str(rasa_executable(settings)),
            "run",
            "--model", str(model),
            "--endpoints", str(settings.home / "endpoints.yml"),
            "--credentials", str(settings.path(settings.rasa_credentials)),
            "--enable-api",
            "--auth-token", settings.resolved_rasa_token(),
            "--interface", settings.host,
            "--port", str(settings.rasa_port),
        ],
        ready_url=f"{settings.rasa_url}/",
        port=settings.rasa_port,
        port_setting="rasa_port",
        start_timeout=240.0,
    )


def action_service(settings: Settings) -> ServiceSpec:
    return ServiceSpec(
        name="action server",
        argv=[sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.action_port)],
        ready_url=f"{settings.action_url}/health",
        port=settings.action_port,
        port_setting="action_port",
        # rasa-sdk binds 0.0.0.0 unless told otherwise; only Rasa needs to reach it.
        env={"SANIC_HOST": settings.host, "PYTHONPATH": os.pathsep.join([str(settings.home), os.environ.get("PYTHONPATH", "")])},
        start_timeout=120.0,
    )


def web_service(settings: Settings) -> ServiceSpec:
    return ServiceSpec(
        name="web app",
        argv=[sys.executable, "-m", "bot", "web"],
        ready_url=f"{settings.web_url}/healthz",
        port=settings.web_port,
        port_setting="web_port",
        env={"PYTHONPATH": str(settings.home)},
        start_timeout=60.0,
    )


def console_service(settings: Settings) -> ServiceSpec:
    return ServiceSpec(
        name="console",
        argv=[sys.executable, "-m", "bot", "console"],
        ready_url=f"{settings.console_url}/healthz",
        port=settings.console_port,
        port_setting="console_port",
        env={"PYTHONPATH": str(settings.home)},
        start_timeout=60.0,
    )


def all_services(settings: Settings) -> list[ServiceSpec]:
    return [rasa_service(settings), action_service(settings), web_service(settings), console_service(settings)]
