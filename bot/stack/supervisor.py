"""Runs the bot's processes side by side, waits until each answers, and stops them cleanly."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from bot.settings import Settings
from bot.stack.ports import ensure_ports_free
from bot.stack.services import ServiceSpec, settings_environment

logger = logging.getLogger(__name__)

_POLL_SECONDS = 0.2
_STOP_GRACE_SECONDS = 20.0
# A service that crashes is restarted, but not forever: this many times in _RESTART_WINDOW.
_MAX_RESTARTS = 3
_RESTART_WINDOW_SECONDS = 300.0


class ServiceFailedError(RuntimeError):
    """A service exited or did not become ready in time; the message carries its log's tail."""


def log_tail(path: Path, lines: int = 25) -> str:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return "".join(deque(handle, maxlen=lines))
    except FileNotFoundError:
        return ""


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@dataclass
class RunningService:
    spec: ServiceSpec
    process: subprocess.Popen[bytes]
    log_path: Path
    log_handle: IO[bytes]
    restarts: deque[float]


class Supervisor:
    """Starts services as child processes (each in its own process group) and watches them."""

    def __init__(self, settings: Settings, services: list[ServiceSpec]) -> None:
        self.settings = settings
        self.services = services
        self.running: dict[str, RunningService] = {}

    def _spawn(self, spec: ServiceSpec, restarts: deque[float] | None = None) -> RunningService:
        log_dir = self.settings.log_dir
        log_dir.mkdir(parents=True, exist_ok=True)
        log_path = log_dir / f"{spec.name.replace(' ', '-').lower()}.log"
        log_handle = log_path.open("ab")
        env = {**os.environ, **settings_environment(self.settings), **spec.env}
        process = subprocess.Popen(
            spec.argv,
            cwd=self.settings.home,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us, and we stop the children in order.
        )
        service = RunningService(spec, process, log_path, log_handle, restarts or deque())
        self.running[spec.name] = service
        return service

    def start(self) -> None:
        """Start every service and wait until all answer; on failure stop them and raise."""
        ensure_ports_free(self.settings.host, {s.name: (s.port, s.port_setting) for s in self.services})
        try:
            for spec in self.services:
                self._spawn(spec)
            for service in list(self.running.values()):
                self._wait_ready(service)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, service: RunningService) -> None:
        deadline = time.monotonic() + service.spec.start_timeout
        while time.monotonic() < deadline:
            if service.process.poll() is not None:
                raise ServiceFailedError(
                    f"the {service.spec.name} exited with code {service.process.returncode} while starting; "
                    f"last lines of {service.log_path}:\n{log_tail(service.log_path)}"
                )
            if _answers(service.spec.ready_url):
                logger.info("%s ready at %s", service.spec.name, service.spec.ready_url)
                return
            time.sleep(_POLL_SECONDS)
        raise ServiceFailedError(
            f"the {service.spec.name} did not answer {service.spec.ready_url} within "
            f"{service.spec.start_timeout:.0f} s; last lines of {service.log_path}:\n{log_tail(service.log_path)}"
        )

    def watch_once(self) -> list[str]:
        """Restart services that died (within limits); return messages about what happened."""
        events: list[str] = []
        for name, service in list(self.running.items()):
            code = service.process.poll()
            if code is None:
                continue
            service.log_handle.close()
            now = time.monotonic()
            while service.restarts and now - service.restarts[0] > _RESTART_WINDOW_SECONDS:
                service.restarts.popleft()
            if len(service.restarts) >= _MAX_RESTARTS:
                del self.running[name]
                raise ServiceFailedError(
                    f"the {name} keeps crashing (exit code {code}, {_MAX_RESTARTS} restarts in "
                    f"{_RESTART_WINDOW_SECONDS:.0f} s); last lines of {service.log_path}:\n{log_tail(service.log_path)}"
                )
            service.restarts.append(now)
            events.append(f"the {name} exited with code {code}; restarting it (log: {service.log_path})")
            restarted = self._spawn(service.spec, service.restarts)
            self._wait_ready(restarted)
        return events

    def restart(self, name: str) -> None:
        """Stop one service and start it again, waiting until it answers."""
        service = self.running[name]
        self._stop_services([service])
        self._wait_ready(self._spawn(service.spec))

    def stop(self) -> None:
        """SIGTERM every service's process group, then SIGKILL whatever is left after a grace period."""
        self._stop_services(list(self.running.values()))
        self.running.clear()

    def _stop_services(self, services: list[RunningService]) -> None:
        for service in services:
            if service.process.poll() is None:
                try:
                    os.killpg(service.process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + _STOP_GRACE_SECONDS
        for service in services:
            try:
                service.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("%s did not stop in time; killing it", service.spec.name)
                try:
                    os.killpg(service.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                service.process.wait()
            service.log_handle.close()

    def __enter__(self) -> "Supervisor":
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
