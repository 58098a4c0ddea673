"""Command line: `python -m app serve | migrate | load-demo | import | keys create|list|revoke |
openapi`."""

import argparse
import json
import re
import sys
from pathlib import Path
from typing import get_args

import uvicorn
from pydantic import ValidationError

from app.core.config import get_settings
from app.core.database import Database, build_engine
from app.core.errors import AppError
from app.core.migrations import upgrade
from app.demo.loader import load_demo, load_demo_if_empty
from app.imports.progress import watched
from app.imports.schemas import ImportFormat, ImportMode
from app.imports.service import import_file
from app.keys.schemas import PREFIX_PATTERN, SCOPES, KeyCreate
from app.keys.service import create_key, list_keys, revoke_key
from app.main import create_app


def migrate() -> None:
    engine = build_engine(get_settings().database_url)
    upgrade(engine)
    engine.dispose()
    print("database is at the latest migration")


def load_demo_data(force: bool) -> None:
    engine = build_engine(get_settings().database_url)
    with Database(engine).writer_sessions() as session:
        counts = load_demo(session) if force else load_demo_if_empty(session)
        session.commit()
    engine.dispose()
    if counts is None:
        print("database already holds data: demo dataset not loaded (use --force)")
    else:
        print("demo dataset loaded: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))


def import_dataset(args: argparse.Namespace) -> None:
    """Import a file, print what became of it, and fail (status 1) if nothing was written."""
    path = Path(args.file)
    pins = json.loads(Path(args.mapping).read_text(encoding="utf-8")) if args.mapping else {}
    engine = build_engine(get_settings().database_url)
    try:
        with watched(path) as (stream, progress):
            report = import_file(Database(engine), stream, args.format, file_name=path.name,
                                 mode=args.mode, pins=pins, progress=progress)  # fmt: skip
    except UnicodeDecodeError as exc:
        sys.exit(f"error: {path.name} is not UTF-8 text ({exc.reason} at byte {exc.start})")
    finally:
        engine.dispose()
    if args.report:
        Path(args.report).write_text(report.model_dump_json(indent=2), encoding="utf-8")
    print(f"{report.status}: {report.rows} rows, {report.created} created, {report.updated} "
          f"updated, {report.unchanged} unchanged, {report.skipped_deleted} deleted here, "
          f"{report.bad} bad; actors: {len(report.actors.matched)} matched, "
          f"{len(report.actors.created)} created, {len(report.actors.ambiguous)} ambiguous; "
          f"{report.missing.count} stored records not in the file")  # fmt: skip
    for refused in report.bad_rows[:20]:
        print(f"  line {refused.line}: {refused.reason}")
    if report.status == "failed":
        sys.exit(1)


def keys(args: argparse.Namespace) -> None:
    try:
        manage_keys(args)
    except (AppError, ValidationError) as exc:
        sys.exit(f"error: {exc}")


def manage_keys(args: argparse.Namespace) -> None:
    engine = build_engine(get_settings().database_url)
    with Database(engine).sessions() as session:
        if args.action == "create":
            key, token = create_key(session, KeyCreate(name=args.name, scope=args.scope))
            print(f"created {key.scope} key {key.name!r}; its token, shown only now:\n{token}")
        elif args.action == "revoke":
            by_prefix = re.fullmatch(PREFIX_PATTERN, args.key) is not None
            key = revoke_key(session, **{"prefix" if by_prefix else "name": args.key})
            print(f"revoked key {key.name!r} ({key.prefix}...)")
        else:
            for key in list_keys(session):
                state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
                print(f"{key.prefix}...  {key.scope:<5}  {state:<18}  {key.name}")
        session.commit()
    engine.dispose()


def serve() -> None:
    settings = get_settings()
    limited = settings.rate_limit_anonymous or settings.rate_limit_per_key
    if settings.workers > 1 and limited and not settings.redis_url:
        sys.exit(
            f"error: WORKERS={settings.workers} without REDIS_URL would let each worker count "
            "rate limits on its own (the limit times the workers); set REDIS_URL, use one "
            "worker, or turn limits off (RATE_LIMIT_ANONYMOUS=0 RATE_LIMIT_PER_KEY=0)"
        )
    uvicorn.run(
        "app.asgi:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        # Proxies are trusted by the app itself (FORWARDED_ALLOW_IPS), and no banner is sent.
        proxy_headers=False,
        server_header=False,
    )


def openapi() -> None:
    """The OpenAPI document, as committed in openapi.json (frontends generate clients from it)."""
    print(json.dumps(create_app().openapi(), ensure_ascii=False, indent=2))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="serve the API on HOST:PORT")
    commands.add_parser("migrate", help="apply every database migration")
    demo = commands.add_parser("load-demo", help="load the seed article's records if empty")
    demo.add_argument("--force", action="store_true", help="load even if data exists")
    imports = commands.add_parser("import", help="import ACLED, UCDP GED, PA-X or our NDJSON")
    imports.add_argument("file", help="the file, as the dataset (or our export) writes it")
    imports.add_argument("--format", required=True, choices=get_args(ImportFormat))
    imports.add_argument(
        "--mode", default="all-or-nothing", choices=get_args(ImportMode),
        help="all-or-nothing (default): write nothing if any row is bad; skip-bad: write the rest",
    )  # fmt: skip
    imports.add_argument("--mapping", help='a JSON file pinning names to actors: {"name": "id"}')
    imports.add_argument("--report", help="write the whole report, as JSON, to this file")
    commands.add_parser("openapi", help="print the OpenAPI document (as openapi.json holds it)")
    key_commands = commands.add_parser("keys", help="create, list or revoke API keys")
    key_actions = key_commands.add_subparsers(dest="action", required=True)
    create = key_actions.add_parser("create", help="create a key and print its token once")
    create.add_argument("--name", required=True, help="who uses it; it signs their changes")
    create.add_argument("--scope", required=True, choices=SCOPES)
    key_actions.add_parser("list", help="list keys (never their tokens)")
    revoke = key_actions.add_parser("revoke", help="revoke a key by name or prefix")
    revoke.add_argument("key", help="the key's name or prefix, as `keys list` shows it")
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve()
    elif args.command == "migrate":
        migrate()
    elif args.command == "keys":
        keys(args)
    elif args.command == "import":
        import_dataset(args)
    elif args.command == "openapi":
        openapi()
    else:
        load_demo_data(args.force)


if __name__ == "__main__":
    main()
