"""Every setting of the service, read from the environment (or a `.env` file)."""

from functools import lru_cache
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        "sqlite:///./data/syria.db",
        description="SQLAlchemy URL of the database: sqlite:///path, postgresql+psycopg://... "
        "or an async equivalent (sqlite+aiosqlite, postgresql+asyncpg).",
    )
    host: str = Field("127.0.0.1", description="Address the server listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port the server listens on.")
    workers: int = Field(1, ge=1, description="Number of server worker processes.")
    worker_threads: int = Field(
        4,
        ge=1,
        le=1000,
        description="Requests a worker runs in its threads at once; the rest wait their turn.",
    )
    database_pool_size: int = Field(5, ge=1, description="Connections kept open per worker.")
    database_connect_timeout: int = Field(
        2, ge=1, description="Seconds to wait for a database connection before answering 503."
    )
    statement_timeout_seconds: float = Field(
        10,
        gt=0,
        le=3600,
        description="A query running longer is stopped and answered 503; an export must "
        "start streaming within it.",
    )
    export_timeout_seconds: float = Field(
        600,
        gt=0,
        le=86_400,
        description="How long a CSV export may run on PostgreSQL, where one COPY streams it all.",
    )
    public_url: str | None = Field(
        None,
        pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$",
        description="The address clients reach the service at, e.g. https://api.example.org: "
        "`Link` and `Location` headers start with it. Unset, they are relative references "
        "(never built from the request's Host header).",
    )
    forwarded_allow_ips: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated addresses (or networks) of the proxies whose "
        "X-Forwarded-For and X-Forwarded-Proto are believed; unset, no proxy is, and rate "
        "limits count the connecting address.",
    )
    export_stall_seconds: float = Field(
        30,
        gt=0,
        le=3600,
        description="A client that reads nothing of a response (an export above all) for "
        "this long is cut off, and the database connection it held goes back to the pool.",
    )
    exports_at_once: int = Field(
        4,
        ge=1,
        description="Exports (CSV, NDJSON, GeoJSON) a worker streams at once; another is 503 "
        "until one ends. Keep it under DATABASE_POOL_SIZE: the rest are for ordinary requests.",
    )
    exports_per_address: int = Field(
        2, ge=1, description="Exports one address may stream at once from a worker; more is 429."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["*"],
        description="Comma-separated origins whose frontends may call the API from a browser; "
        "`*` (the default), any page: reads are public, and a write needs a key that a page "
        "must send itself (no cookie is ever used).",
    )
    max_body_bytes: int = Field(
        1_000_000, ge=1, description="Largest request body accepted; a larger one is 413."
    )
    import_max_bytes: int = Field(
        2_000_000_000, ge=1, description="Largest file `POST /v1/imports` accepts; larger is 413."
    )
    require_read_key: bool = Field(
        False, description="Whether reads need an API key too (writes always do)."
    )
    redis_url: str | None = Field(
        None,
        description="Redis that workers and hosts share rate-limit counts through, e.g. "
        "redis://127.0.0.1:6379/0; unset, the one process counts (the server refuses more "
        "than one worker with rate limits on and no Redis).",
    )
    rate_limit_anonymous: int = Field(
        300, ge=0, description="Requests per window from one address without a key (0: no limit)."
    )
    rate_limit_per_key: int = Field(
        1200, ge=0, description="Requests per window with one API key (0: no limit)."
    )
    rate_limit_window_seconds: int = Field(60, ge=1, description="The rate-limit window.")

    @field_validator("cors_origins", "forwarded_allow_ips", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
