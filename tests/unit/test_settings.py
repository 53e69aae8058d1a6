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


def test_a_secret_created_by_many_threads_at_once_is_one_whole_secret(tmp_path: Path) -> None:
    import threading

    for round_ in range(20):
        settings = load_settings(environ={"DORADCA_VAR_DIR": str(tmp_path / f"var{round_}")},
                                 settings_file=tmp_path / "none.yml")
        barrier = threading.Barrier(8)
        seen: list[str] = []

        def read() -> None:
            barrier.wait(timeout=10)
            seen.append(settings.local_secret("race"))

        threads = [threading.Thread(target=read) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        assert len(seen) == 8 and len(set(seen)) == 1 and seen[0], seen
        assert [path.name for path in (tmp_path / f"var{round_}" / "secrets").iterdir()] == ["race"]
