"""Checks that the ports the services need are free, with a message saying what to change."""

from __future__ import annotations

import socket


class PortInUseError(RuntimeError):
    """A service's port is taken by another program."""


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS considers free right now (for tests and ad-hoc runs)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def ensure_ports_free(host: str, ports: dict[str, tuple[int, str]]) -> None:
    """Raise PortInUseError for the first taken port.

    `ports` maps a service's name to (port, name of the setting that chooses it).
    """
    for service, (port, setting) in ports.items():
        if not port_is_free(host, port):
            raise PortInUseError(
                f"port {port} on {host} ({service}) is already in use. Stop the program using it "
                f"(`ss -ltnp 'sport = :{port}'` shows which) or choose another port with "
                f"{setting} in doradca.yml or DORADCA_{setting.upper()}=<port>."
            )
