import pytest

from tests.helpers import actor_id, all_pages, assert_problem

pytestmark = pytest.mark.anyio


async def statements(client, **params):
    return await all_pages(client, "/v1/statements", **params)


@pytest.mark.parametrize("spelling", ["Ja'afari", "Jaafari", "al-Jaafari", "الجعفري"])
async def test_speaker_filter_forgives_spelling(client, spelling):
    found = await statements(client, speaker=spelling)
    assert len(found) == 4
    assert {s["speaker_name"] for s in found} == {"Bashar al-Ja'afari"}


async def test_speaker_filter_finds_the_turkey_remark(client):
    found = await statements(client, speaker="Jaafari")
    quotes = [s["quote"] for s in found if s["quote"]]
    assert "Turkey is violating Syrian sovereignty so there is no Syrian-Turkish dialogue" in quotes


async def test_actor_filter_matches_speaker_or_target(client):
    about_turkey = await statements(client, actor="Turkey")
    turkey = await actor_id(client, "Turkey")
    assert [s["speaker_name"] for s in about_turkey] == ["Bashar al-Ja'afari", "Mohammad Alloush"]
    assert all(s["speaker_id"] == turkey or turkey in s["target_ids"] for s in about_turkey)
    assert any(s["speaker_name"] == "Bashar al-Ja'afari" for s in about_turkey)


async def test_session_filter_and_dates(client):
    session = (await client.get("/v1/negotiation-sessions")).json()["data"][0]
    at_astana = await statements(client, session=session["id"])
    on_sunday = await statements(client, **{"from": "2017-01-22", "to": "2017-01-22"})
    assert len(at_astana) == 18
    assert all(s["session_id"] == session["id"] for s in at_astana)
    exact = [s for s in on_sunday if s["date_precision"] == "day"]
    assert [s["date"] for s in exact] == ["2017-01-22"] * 3
    # "January 2017" may be the 22nd: imprecise dates match every day they may stand for.
    assert {s["date"] for s in on_sunday if s not in exact} == {"2017-01-01"}


async def test_unnamed_speakers_are_described(client):
    labels = {s["speaker_label"] for s in await statements(client) if s["speaker_id"] is None}
    assert labels == {"rebel sources", "a senior UN Security Council diplomat"}


async def test_a_statement_embeds_names_and_its_source(client):
    found = await statements(client, speaker="Alloush")
    transition = next(s for s in found if s["quote"] and "political transition" in s["quote"])
    assert transition["speaker_name"] == "Mohammad Alloush"
    assert transition["session_name"]
    assert "Iran" in [target["name"] for target in transition["targets"]]
    assert transition["citations"][0]["source_title"]
    assert transition["citations"][0]["excerpt"]


async def test_statement_types_nest_like_cameo(client):
    codes = {t["code"]: t for t in (await client.get("/v1/statement-types")).json()}
    assert codes["accuse"]["parent"] == "disapprove"
    assert codes["accuse"]["cameo"] == "112"
    assert codes["disapprove"]["parent"] is None


async def test_unknown_statement_type_is_refused(client):
    body = {
        "speaker_label": "rebel sources",
        "date": "2017-01-23",
        "summary": "s",
        "type": "gossip",
    }
    assert_problem(await client.post("/v1/statements", json=body), 422, "type")


async def test_a_statement_needs_a_speaker_and_words(client):
    no_speaker = {"date": "2017-01-23", "summary": "s"}
    no_words = {"speaker_label": "rebel sources", "date": "2017-01-23"}
    assert (
        "speaker_label"
        in assert_problem(await client.post("/v1/statements", json=no_speaker), 422)["detail"]
    )
    assert (
        "quote" in assert_problem(await client.post("/v1/statements", json=no_words), 422)["detail"]
    )


async def test_a_hidden_character_in_a_search_changes_nothing(client):
    plain = (await client.get("/v1/statements", params={"q": "ceasefire"})).json()
    hidden = (await client.get("/v1/statements", params={"q": "cease\u200bfire\u202e"})).json()
    assert plain["data"]
    assert hidden == plain
