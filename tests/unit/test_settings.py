from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


def test_environment_overrides_the_settings_file(tmp_path: Path) -> None:
    settings_file = tmp_path / "doradca.yml"
    settings_file.write_text("rasa_port: 6000\nweb_port: 6001\n")
    settings = load_settings(environ={"DORADCA_RASA_PORT": "7000"}, settings_file=settings_file)
    assert settings.rasa_port == 7000
    assert settings.web_port == 6001


def test_relative_paths_are_resolved_against_the_project_root(tmp_path: Path) -> None:
    settings = load_settings(environ={"DORADCA_HOME": str(tmp_path)}, settings_file=tmp_path / "absent.yml")
    assert settings.tracker_db_path == tmp_path / "var" / "rasa-tracker.db"
    assert settings.database == f"sqlite:///{tmp_path / 'var' / 'doradca.db'}"


def test_invalid_values_name_the_setting(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="rasa_port"):
        load_settings(environ={"DORADCA_RASA_PORT": "not-a-port"}, settings_file=tmp_path / "absent.yml")


def test_unknown_setting_in_file_is_reported(tmp_path: Path) -> None:
    settings_file = tmp_path / "doradca.yml"
    settings_file.write_text("rasa_prot: 6000\n")
    with pytest.raises(SettingsError, match="rasa_prot"):
        load_settings(environ={}, settings_file=settings_file)


def test_generated_token_is_stable_and_private(tmp_path: Path) -> None:
    settings = load_settings(environ={"DORADCA_HOME": str(tmp_path)}, settings_file=tmp_path / "absent.yml")
    token = settings.resolved_rasa_token()
    assert len(token) >= 32
    assert settings.resolved_rasa_token() == token
    secret = tmp_path / "var" / "secrets" / "rasa-token"
    assert secret.stat().st_mode & 0o077 == 0


def test_configured_token_wins(tmp_path: Path) -> None:
    settings = load_settings(environ={"DORADCA_RASA_TOKEN": "s3cret-token"}, settings_file=tmp_path / "absent.yml")
    assert settings.resolved_rasa_token() == "s3cret-token"
