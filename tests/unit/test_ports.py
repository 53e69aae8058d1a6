import socket

import pytest

from bot.stack.ports import PortInUseError, ensure_ports_free, free_port


def test_taken_port_is_named_with_the_setting_to_change() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(PortInUseError) as error:
            ensure_ports_free("127.0.0.1", {"Rasa server": (port, "rasa_port")})
    message = str(error.value)
    assert str(port) in message
    assert "Rasa server" in message
    assert "DORADCA_RASA_PORT" in message


def test_free_ports_pass() -> None:
    ensure_ports_free("127.0.0.1", {"web app": (free_port(), "web_port")})
