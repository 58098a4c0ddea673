"""Command line: `python -m app serve | migrate | load-demo`."""

import argparse
import sys

import uvicorn

from app.core.config import get_settings
from app.core.database import Database, build_engine
from app.core.migrations import upgrade
from app.demo.loader import load_demo, load_demo_if_empty


def migrate() -> None:
    engine = build_engine(get_settings().database_url)
    upgrade(engine)
    engine.dispose()
    print("database is at the latest migration")


def load_demo_data(force: bool) -> None:
    engine = build_engine(get_settings().database_url)
    with Database(engine).sessions() as session:
        counts = load_demo(session) if force else load_demo_if_empty(session)
    engine.dispose()
    if counts is None:
        print("database already holds data: demo dataset not loaded (use --force)")
    else:
        print("demo dataset loaded: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))


def serve() -> None:
    settings = get_settings()
    uvicorn.run(
        "app.asgi:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        proxy_headers=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="serve the API on HOST:PORT")
    commands.add_parser("migrate", help="apply every database migration")
    demo = commands.add_parser("load-demo", help="load the seed article's records if empty")
    demo.add_argument("--force", action="store_true", help="load even if data exists")
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve()
    elif args.command == "migrate":
        migrate()
    else:
        load_demo_data(args.force)


if __name__ == "__main__":
    sys.exit(main())
