"""One settings object for a node, read once from the environment (prefix ``SINGLEVIEW_``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything a node is configured with. Capabilities receive values, never read env."""

    model_config = SettingsConfigDict(env_prefix="SINGLEVIEW_", env_file=None, extra="ignore")

    database_url: str = "sqlite:///singleview.db"

    # Trust: the register authority's JWKS (trust anchor), where the signed register is fetched
    # from (file path or http(s) URL), how often, and this node's current private key file.
    trust_anchor_path: str | None = None
    register_source: str | None = None
    register_refresh_seconds: float = 300.0
    signing_key_path: str | None = None
    key_passphrase: str | None = None
    #: The node's registered endpoint, when a proxy changes the host or scheme requests arrive on.
    public_base_url: str | None = None
    #: The node's configuration file (YAML), read by each ``singleview node serve`` worker.
    node_config: str | None = None

    # Web alerts: an organisation or practitioner is flagged on the IG officer's alerts page
    # after this many enquiries in 24 hours, when that is this many times its peers' median.
    volume_alert_floor: int = 10
    volume_alert_factor: float = 3.0


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment the first time they are asked for."""
    return Settings()
