"""One settings object for a node, read once from the environment (prefix ``SINGLEVIEW_``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything a node is configured with. Capabilities receive values, never read env."""

    model_config = SettingsConfigDict(env_prefix="SINGLEVIEW_", env_file=None, extra="ignore")

    database_url: str = "sqlite:///singleview.db"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment the first time they are asked for."""
    return Settings()
