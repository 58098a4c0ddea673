"""ACLED and UCDP GED files into the model, as the API then shows them: every column kept,
actors reconciled, idempotent on their ids, bad rows reported (the command line runs the same
import: tests/imports/test_cli.py)."""

import io
from pathlib import Path

import pytest

from app.imports.service import import_file
from tests.helpers import actor_id, all_pages

pytestmark = pytest.mark.anyio
FILES = Path(__file__).parent / "files"
ACLED_HEADER = (FILES / "acled.csv").read_text(encoding="utf-8").splitlines()[0]


def acled_row(**cells):
    """A row of today's ACLED layout, these cells filled and the rest empty."""
    return ",".join(cells.get(column, "") for column in ACLED_HEADER.split(",")) + "\n"


def run(database, text, form="acled", **options):
    return import_file(database, io.StringIO(text), form, file_name="test.csv", **options)


def read(name):
    return (FILES / name).read_text(encoding="utf-8")


async def imported(client, pair):
    (record,) = (await client.get("/v1/incidents", params={"external_id": pair})).json()["data"]
    return record


async def test_an_acled_event_keeps_everything_acled_says(client, database):
    report = run(database, read("acled.csv"))
    assert (report.status, report.rows, report.created, report.bad) == ("succeeded", 3, 3, 0)

    strike = await imported(client, "acled:SYR23201")
    assert strike["type"] == "airstrike"
    assert strike["sub_type"] == "air_drone_strike"
    assert strike["weapons"] == ["air_or_drone_strike"]
    assert (strike["start_date"], strike["end_date"], strike["date_precision"]) == (
        "2017-01-22", "2017-01-22", "day",
    )  # fmt: skip
    assert strike["place"] == {
        "name": "Deir Qanun", "governorate": "Rural Damascus", "district": "Az-Zabdani",
        "subdistrict": "Ain al-Fijah", "latitude": 33.6553, "longitude": 36.1531,
        "precision": "town",
    }  # fmt: skip
    assert strike["killed"] == {"low": None, "best": 1, "high": None}
    assert strike["description"].startswith("On 22 January 2017, regime aircraft struck")
    assert strike["language"] == "en"
    assert strike["tags"] == ["local administrators"]
    assert strike["dataset_fields"] == {
        "acled:year": "2017", "acled:disorder_type": "Political violence",
        "acled:event_type": "Explosions/Remote violence", "acled:interaction":
        "State forces-Civilians", "acled:civilian_targeting": "Civilian targeting",
        "acled:iso": "760", "acled:region": "Middle East", "acled:country": "Syria",
        "acled:source": "SOHR; Syria Direct", "acled:source_scale": "National-International",
        "acled:timestamp": "1618951712",
    }  # fmt: skip
    roles = [(actor["actor_name"], actor["role"]) for actor in strike["actors"]]
    assert roles == [("Military Forces of Syria", "perpetrator"), ("Civilians (Syria)", "victim"),
                     ("Syrian Civil Defense", "victim")]  # fmt: skip
    (citation,) = strike["citations"]
    assert citation["source_title"] == "ACLED: Armed Conflict Location & Event Data"


async def test_actors_are_matched_by_name_and_alias_or_created_with_their_kind(client, database):
    report = run(database, read("acled.csv"))
    assert report.actors.matched == {
        "Hezbollah": {"actor_id": await actor_id(client, "Hezbollah"), "actor_name": "Hezbollah"},
        "Jabhat Fateh al-Sham": {"actor_id": await actor_id(client, "JFS"),
                                 "actor_name": "Jabhat Fatah al-Sham"},
    }  # fmt: skip
    assert {name: made["kind"] for name, made in report.actors.created.items()} == {
        "Military Forces of Syria (2000-2024)": "state_forces",
        "Civilians (Syria)": "civilians",
        "Syrian Civil Defense": "civilians",
        "Protesters (Syria)": "protesters",
    }
    army = report.actors.created["Military Forces of Syria (2000-2024)"]["actor_id"]
    shown = (await client.get(f"/v1/actors/{army}")).json()
    assert shown["name"] == "Military Forces of Syria"
    assert shown["aliases"] == [{"name": "Military Forces of Syria (2000-2024)",
                                 "kind": "former_name", "language": None,
                                 "valid_from": "2000-01-01", "valid_to": "2024-12-31"}]  # fmt: skip


async def test_the_older_upper_case_layout(client, database):
    report = run(database, read("acled_old.csv"))
    assert (report.status, report.created) == ("succeeded", 1)
    clash = await imported(client, "acled:SYR1017")
    assert (clash["type"], clash["sub_type"]) == ("clashes", "battle_no_change_of_territory")
    assert clash["start_date"] == "2017-01-23"
    assert {(a["actor_name"], a["role"]) for a in clash["actors"]} == {
        ("Military Forces of Syria", "side"), ("Hezbollah", "side"),
        ("Jabhat Fatah al-Sham", "side"),
    }  # fmt: skip
    assert clash["dataset_fields"]["acled:gwno"] == "652"


async def test_an_extract_may_leave_out_optional_columns(client, database):
    text = "event_id_cnty,event_date,event_type,sub_event_type,actor1,fatalities\n" \
           "SYR9,2017-01-23,Battles,Armed clash,Hezbollah,4\n"  # fmt: skip
    assert run(database, text).created == 1
    clash = await imported(client, "acled:SYR9")
    assert (clash["type"], clash["killed"]["best"], clash["place"]["name"]) == ("clashes", 4, None)


async def test_a_byte_order_mark_and_arabic_text(client, database):
    text = "\ufeff" + ACLED_HEADER + "\n" + acled_row(
        event_id_cnty="SYR77", event_date="2017-01-23", event_type="Battles",
        sub_event_type="Armed clash", actor1="Hezbollah", location="وادي بردى",
        notes="اشتباكات في وادي بردى",
    )  # fmt: skip
    assert run(database, text).created == 1
    clash = await imported(client, "acled:SYR77")
    assert (clash["place"]["name"], clash["description"]) == ("وادي بردى", "اشتباكات في وادي بردى")
    found = (await client.get("/v1/incidents", params={"q": "بردى"})).json()["data"]
    assert "acled:SYR77" in [f"acled:{row['external_ids'].get('acled')}" for row in found]


async def test_importing_the_same_file_again_changes_nothing(client, database):
    run(database, read("acled.csv"))
    changes = (await client.get("/v1/changes", params={"limit": 500})).json()["data"]
    again = run(database, read("acled.csv"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert (await client.get("/v1/changes", params={"limit": 500})).json()["data"] == changes
    assert len(await all_pages(client, "/v1/incidents", external_id="acled:SYR23202")) == 1


async def test_a_newer_export_updates_what_changed_signed_by_the_import(client, database):
    run(database, read("acled.csv"))
    newer = read("acled.csv").replace('Ain al-Fijah; 3 killed.",3,', 'Ain al-Fijah; 5 killed.",5,')
    lacking = "\n".join(line for line in newer.splitlines() if not line.startswith("SYR23203"))
    report = run(database, lacking)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert (report.missing.count, report.missing.external_ids) == (1, ["SYR23203"])
    clash = await imported(client, "acled:SYR23202")
    assert (clash["version"], clash["killed"]["best"]) == (2, 5)
    history = (await client.get(f"/v1/incidents/{clash['id']}/history")).json()["data"]
    assert history[-1]["changed_by"] == "import acled: test.csv"
    assert history[-1]["changes"]["killed"] == {
        "before": {"low": None, "best": 3, "high": None},
        "after": {"low": None, "best": 5, "high": None},
    }
    assert len(await all_pages(client, "/v1/incidents", external_id="acled:SYR23203")) == 1


async def test_a_bad_row_writes_nothing_in_all_or_nothing_mode(client, database):
    clash = {"event_type": "Battles", "sub_event_type": "Armed clash", "actor1": "Hezbollah"}
    text = read("acled.csv") + "".join([
        acled_row(**clash, event_id_cnty="SYR23204", event_date="not a date"),
        acled_row(**clash, event_id_cnty="SYR23205", event_date="2017-01-24", time_precision="9"),
        acled_row(**clash | {"sub_event_type": "Fist fight"}, event_id_cnty="SYR23206",
                  event_date="2017-01-24"),
        "SYR23207,2017-01-24\n",
    ])  # fmt: skip
    report = run(database, text)
    assert report.status == "failed"
    assert [(row.line, row.reason) for row in report.bad_rows] == [
        (5, "event_date: not a date: 'not a date'"),
        (6, "time_precision: unknown value '9'"),
        (7, "sub_event_type: unknown value 'Fist fight'"),
        (8, "2 cells where the header has 31"),
    ]
    assert (await client.get("/v1/incidents", params={"external_id": "acled:SYR23201"})).json()[
        "data"
    ] == []
    assert (await client.get("/v1/actors", params={"q": "Protesters (Syria)"})).json()["data"] == []


async def test_skip_bad_writes_the_good_rows(client, database):
    text = read("acled.csv") + acled_row(
        event_id_cnty="SYR23204", event_date="2017-01-24", event_type="Battles",
        sub_event_type="Armed clash", actor1="Hezbollah", latitude="91", longitude="36",
    )  # fmt: skip
    report = run(database, text, mode="skip-bad")
    assert (report.status, report.created, report.bad) == ("succeeded", 3, 1)
    assert report.bad_rows[0].line == 5
    assert report.bad_rows[0].reason == "place.latitude: Input should be less than or equal to 90"
    assert len(await all_pages(client, "/v1/incidents", external_id="acled:SYR23201")) == 1


async def test_an_ambiguous_name_is_reported_until_a_mapping_pins_it(client, database):
    await client.post("/v1/actors", json={"name": "Civilians (Idlib)", "kind": "civilians"})
    await client.post("/v1/actors", json={"name": "Civilians (Hama)", "kind": "civilians"})
    refused = run(database, read("ucdp_ged.csv"), "ucdp-ged")
    assert refused.status == "failed"
    assert refused.actors.ambiguous == {"Civilians": ["Civilians (Hama)", "Civilians (Idlib)"]}
    assert refused.bad_rows[0].reason == "actor 'Civilians' is ambiguous: pin it in a mapping file"

    idlib = await actor_id(client, "Civilians (Idlib)")
    pinned = run(database, read("ucdp_ged.csv"), "ucdp-ged", pins={"Civilians": idlib})
    assert (pinned.status, pinned.created) == ("succeeded", 2)
    assert pinned.actors.matched["Civilians"] == {
        "actor_id": idlib,
        "actor_name": "Civilians (Idlib)",
    }


async def test_a_ucdp_event_keeps_its_deaths_by_side(client, database):
    idlib = (
        await client.post("/v1/actors", json={"name": "Civilians", "kind": "civilians"})
    ).json()
    report = run(database, read("ucdp_ged.csv"), "ucdp-ged")
    assert (report.status, report.created) == ("succeeded", 2), report.bad_rows
    assert report.actors.matched["Government of Syria"]["actor_name"] == "Syrian government"
    assert report.actors.matched["Civilians"]["actor_id"] == idlib["id"]
    attack = await imported(client, "ucdp_ged:185329")
    assert attack["type"] == "one_sided_violence"
    assert attack["killed"] == {"low": 74, "best": 89, "high": 100}
    assert attack["casualties"] == [
        {"category": category, "outcome": "killed", "low": None, "best": best, "high": None}
        for category, best in (("side_a", 0), ("side_b", 0), ("civilians", 89), ("unknown", 0))
    ]
    assert attack["place"] == {
        "name": "Khan Shaykhun town", "governorate": "Idlib", "district": "Maarrat al-Numan",
        "subdistrict": None, "latitude": 35.4389, "longitude": 36.6511, "precision": "exact",
    }  # fmt: skip
    assert [(a["actor_name"], a["role"]) for a in attack["actors"]] == [
        ("Syrian government", "perpetrator"), ("Civilians", "victim"),
    ]  # fmt: skip
    assert attack["aggregate"] is False
    assert attack["dataset_fields"]["ucdp_ged:conflict_name"] == "Syria: Government"
    assert attack["dataset_fields"]["ucdp_ged:source_headline"] == (
        "Dozens killed in suspected chemical attack on Syrian town"
    )
    clashes = await imported(client, "ucdp_ged:185330")
    assert (clashes["start_date"], clashes["end_date"], clashes["aggregate"]) == (
        "2017-04-03", "2017-04-05", True,
    )  # fmt: skip
    insurgents = report.actors.created["Syrian insurgents"]
    shown = (await client.get(f"/v1/actors/{insurgents['actor_id']}")).json()
    assert (shown["kind"], shown["external_ids"]) == ("rebel_group", {"ucdp": "1163"})


def interrupted_after(text, lines):
    """The file's lines, then a Ctrl-C while reading line `lines + 1`."""
    yield from text.splitlines(keepends=True)[:lines]
    raise KeyboardInterrupt


@pytest.mark.parametrize(("mode", "kept"), [("skip-bad", ["E1", "E2"]), ("all-or-nothing", [])])
async def test_an_interrupted_import_keeps_only_the_batches_before(client, database, monkeypatch,
                                                                  mode, kept):  # fmt: skip
    monkeypatch.setattr("app.imports.service.BATCH", 2)
    clash = {"event_type": "Battles", "sub_event_type": "Armed clash", "actor1": "Hezbollah",
             "event_date": "2017-01-24"}  # fmt: skip
    text = (
        ACLED_HEADER
        + "\n"
        + "".join(acled_row(**clash, event_id_cnty=f"E{n}") for n in range(1, 6))
    )
    with pytest.raises(KeyboardInterrupt):
        import_file(database, interrupted_after(text, 4), "acled", file_name="e.csv", mode=mode)
    found = await all_pages(
        client, "/v1/incidents", external_id=[f"acled:E{n}" for n in range(1, 6)]
    )
    assert sorted(row["external_ids"]["acled"] for row in found) == kept


async def test_a_pax_agreement_keeps_its_text_and_matches_its_parties(client, database):
    report = run(database, read("pax.csv"), "pax")
    assert (report.status, report.created, report.bad) == ("succeeded", 2, 0), report.bad_rows
    memo = (await client.get("/v1/agreements", params={"external_id": "pax:1913"})).json()["data"]
    (memo,) = memo
    assert (memo["kind"], memo["stage"], memo["date"]) == ("ceasefire", "ceasefire", "2017-05-04")
    assert memo["parties_described"] == (
        "Russian Federation; Islamic Republic of Iran; Republic of Turkey"
    )
    assert [actor["name"] for actor in memo["party_actors"]] == ["Russia", "Iran", "Turkey"]
    united_nations = await actor_id(client, "United Nations")
    assert memo["third_parties"] == [
        {"actor_id": united_nations, "actor_name": "United Nations", "role": "observer"}
    ]
    assert memo["related"] == [{"kind": "un_resolution", "agreement_id": None,
                                "agreement_title": None,
                                "reference": "S/RES/2254 (2015)"}]  # fmt: skip
    assert memo["countries"] == ["SYR"]
    assert memo["process_name"] == "Syrian Conflicts"
    assert memo["dataset_fields"]["pax:agtp"] == "InterIntra"
    assert memo["dataset_fields"]["pax:stagesub"] == "Ceas"
    titles = [citation["source_title"] for citation in memo["citations"]]
    assert titles == ["PA-X Peace Agreements Database", memo["title"]]
    text = (await client.get(f"/v1/sources/{memo['citations'][1]['source_id']}")).json()
    assert (text["url"], text["links"]) == ("https://www.peaceagreements.org/view/1913", [
        {"url": "https://www.peaceagreements.org/viewmasterdocument/1913", "kind": "pdf"}
    ])  # fmt: skip

    barada = (await client.get("/v1/agreements", params={"external_id": "pax:1870"})).json()
    (barada,) = barada["data"]
    assert [actor["name"] for actor in barada["party_actors"]] == ["Syrian government"]
    assert barada["parties_described"].endswith("43 signatories from the villages of Wadi Barada "
                                                 "(local committees)")  # fmt: skip
    assert [(t["actor_name"], t["role"]) for t in barada["third_parties"]] == [
        ("Hezbollah", "mediator")
    ]
    assert report.actors.unmatched == {
        "43 signatories from the villages of Wadi Barada": [],
        "witnessed by the Syrian Arab Red Crescent": [],
    }
    assert report.actors.created == {}
    again = run(database, read("pax.csv"), "pax")
    assert (again.created, again.unchanged) == (0, 2)


async def test_numbers_do_not_sound_alike(client, database):
    await client.post("/v1/actors", json={"name": "Brigade 0028", "kind": "rebel_group"})
    text = ACLED_HEADER + "\n" + acled_row(
        event_id_cnty="SYR5", event_date="2017-01-23", event_type="Battles",
        sub_event_type="Armed clash", actor1="Brigade 0228", inter1="Rebel group",
    )  # fmt: skip
    report = run(database, text)
    assert (report.status, list(report.actors.created)) == ("succeeded", ["Brigade 0228"])


async def test_unreadable_values_blank_lines_and_unnamed_columns(client, database):
    clash = {"event_type": "Battles", "sub_event_type": "Armed clash", "actor1": "Hezbollah",
             "event_date": "2017-01-24"}  # fmt: skip
    rows = [acled_row(**clash, event_id_cnty="SYR31", fatalities="nan"), "\n",
            acled_row(**clash, event_id_cnty="SYR32", latitude="inf", longitude="36")]  # fmt: skip
    report = run(database, ACLED_HEADER + "\n" + "".join(rows), mode="skip-bad")
    assert [(row.line, row.reason) for row in report.bad_rows] == [
        (2, "fatalities: not a number: 'nan'"), (4, "latitude: not a number: 'inf'"),
    ]  # fmt: skip
    numbered = ",event_id_cnty,event_date,event_type,sub_event_type,actor1\n" \
               "0,SYR33,2017-01-23,Battles,Armed clash,Hezbollah\n"  # fmt: skip
    assert run(database, numbered).created == 1


async def test_a_pin_to_a_deleted_actor_pins_nothing(client, database):
    created = (await client.post("/v1/actors", json={"name": "Liwa X", "kind": "other"})).json()
    await client.delete(f"/v1/actors/{created['id']}", headers={"If-Match": '"1"'})
    report = run(database, read("acled_old.csv"),
                 pins={"Military Forces of Syria (2000-2024)": created["id"]})  # fmt: skip
    assert report.bad_rows[0].reason == (
        f"the mapping file pins 'Military Forces of Syria (2000-2024)' to {created['id']}, "
        "which is no actor"
    )
