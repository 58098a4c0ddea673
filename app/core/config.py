"""Every setting of the service, read from the environment (or a `.env` file)."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    database_pool_size: int = Field(5, ge=1, description="Connections kept open per worker.")
    database_connect_timeout: int = Field(
        2, ge=1, description="Seconds to wait for a database connection before answering 503."
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
