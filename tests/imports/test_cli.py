"""`python -m app import`: the file imported and committed, the report printed and written,
and a failed import leaving the database as it was."""

import json
from pathlib import Path

import pytest

from app.__main__ import main
from app.core.config import Settings
from app.core.database import Database, build_engine
from app.main import create_app
from tests.helpers import api_client

pytestmark = pytest.mark.anyio
FILES = Path(__file__).parent / "files"


async def incidents(url, **params):
    engine = build_engine(url)
    try:
        async with api_client(create_app(Settings(), database=Database(engine))) as client:
            return (await client.get("/v1/incidents", params=params)).json()["data"]
    finally:
        engine.dispose()


async def test_an_acled_file_is_imported_and_reported(committed_demo, tmp_path, capsys):
    report = tmp_path / "report.json"
    main(["import", str(FILES / "acled.csv"), "--format", "acled", "--report", str(report)])
    printed = capsys.readouterr().out
    assert printed.splitlines()[-1] == (
        "succeeded: 3 rows, 3 created, 0 updated, 0 unchanged, 0 deleted here, 0 bad; actors: "
        "2 matched, 4 created, 0 ambiguous; 0 stored records not in the file"
    )
    assert "rows/s" in printed  # the progress bar's last state
    written = json.loads(report.read_text(encoding="utf-8"))
    assert (written["format"], written["file"], written["created"]) == ("acled", "acled.csv", 3)
    found = await incidents(committed_demo, external_id="acled:SYR23202")
    assert [row["killed"]["best"] for row in found] == [3]


async def test_a_bad_row_fails_the_import_and_writes_nothing(committed_demo, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    text = (FILES / "acled.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace("2017-01-23,2017,2,", "23rd of January,2017,2,"), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["import", str(bad), "--format", "acled"])
    assert exit_.value.code == 1
    printed = capsys.readouterr().out.splitlines()
    assert printed[-2].startswith("failed: 3 rows, 0 created")
    assert printed[-1] == "  line 4: event_date: not a date: '23rd of January'"
    assert await incidents(committed_demo, external_id="acled:SYR23201") == []


async def test_a_mapping_file_pins_names_to_actors(committed_demo, tmp_path, capsys):
    forces = (await _actor(committed_demo, "regime forces"))["id"]
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"Military Forces of Syria (2000-2024)": forces}), "utf-8")
    main(["import", str(FILES / "acled_old.csv"), "--format", "acled", "--mapping", str(mapping)])
    (clash,) = await incidents(committed_demo, external_id="acled:SYR1017")
    assert clash["actors"][0]["actor_name"] == "Syrian government forces"


async def test_a_file_that_is_not_utf8_is_refused_clearly(committed_demo, tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("event_id_cnty,location\nSYR1,Homs – café\n".encode("cp1252"))
    with pytest.raises(SystemExit) as exit_:
        main(["import", str(latin), "--format", "acled"])
    assert str(exit_.value).startswith("error: latin.csv is not UTF-8 text")


async def _actor(url, name):
    engine = build_engine(url)
    try:
        async with api_client(create_app(Settings(), database=Database(engine))) as client:
            return (await client.get("/v1/actors", params={"q": name})).json()["data"][0]
    finally:
        engine.dispose()
