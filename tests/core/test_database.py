import pytest

from app.core.database import sync_url


@pytest.mark.parametrize(
    ("given", "served"),
    [
        ("sqlite:///./data/syria.db", "sqlite:///./data/syria.db"),
        ("sqlite+aiosqlite:///./data/syria.db", "sqlite+pysqlite:///./data/syria.db"),
        ("postgresql://u:p@db/syria", "postgresql+psycopg://u:p@db/syria"),
        ("postgresql+asyncpg://u:p@db/syria", "postgresql+psycopg://u:p@db/syria"),
        ("postgresql+psycopg://u:p@db/syria", "postgresql+psycopg://u:p@db/syria"),
    ],
)
def test_async_and_bare_urls_are_served_through_sync_drivers(given, served):
    assert sync_url(given) == served
