from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT, Settings, load_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose runtime state lives in a fresh temporary folder."""
    return load_settings(environ={"DORADCA_VAR_DIR": str(tmp_path / "var")}, settings_file=tmp_path / "none.yml")


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT
