"""Any list as an Atom 1.0 feed: the records it finds that changed last, newest first, each
linking to the record and its sources."""

from xml.etree import ElementTree

import pytest

from tests.helpers import COLLECTIONS, NEW_ACTOR, assert_problem, update

pytestmark = pytest.mark.anyio

ATOM = {"atom": "http://www.w3.org/2005/Atom"}


def parsed(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    return ElementTree.fromstring(response.content)


def entries(feed):
    return feed.findall("atom:entry", ATOM)


@pytest.mark.parametrize("collection", COLLECTIONS)
async def test_every_list_is_a_feed_newest_first(client, collection):
    listed = (await client.get(f"/v1/{collection}", params={"limit": 500})).json()["data"]
    feed = parsed(await client.get(f"/v1/{collection}", params={"format": "atom"}))

    newest = sorted(listed, key=lambda row: (row["updated_at"], row["id"]), reverse=True)[:50]
    assert [entry.find("atom:id", ATOM).text for entry in entries(feed)] == [
        f"urn:uuid:{row['id']}" for row in newest
    ]
    assert feed.find("atom:updated", ATOM).text == newest[0]["updated_at"]
    first = entries(feed)[0]
    alternate = first.find("atom:link[@rel='alternate']", ATOM)
    assert alternate.get("href") == f"/v1/{collection}/{newest[0]['id']}"


async def test_a_search_is_a_feed_whose_entries_cite_their_sources(client):
    feed = parsed(
        await client.get("/v1/incidents", params={"actor": "Hezbollah", "format": "atom"})
    )
    (entry,) = entries(feed)
    incident = (await client.get("/v1/incidents", params={"actor": "Hezbollah"})).json()["data"][0]

    assert (
        feed.find("atom:title", ATOM).text == "Syria conflict record: incidents (actor Hezbollah)"
    )
    assert entry.find("atom:title", ATOM).text == "2016-12-22 ground_offensive in Wadi Barada"
    assert entry.find("atom:summary", ATOM).text == incident["description"]
    related = entry.findall("atom:link[@rel='related']", ATOM)
    assert [link.get("href") for link in related] == [
        f"/v1/sources/{incident['citations'][0]['source_id']}"
    ]
    assert related[0].get("title") == incident["citations"][0]["source_title"]


async def test_an_edited_record_comes_first(client):
    created = await client.post("/v1/actors", json=NEW_ACTOR)
    url = f"/v1/actors/{created.json()['id']}"
    await client.post("/v1/actors", json={**NEW_ACTOR, "name": "Liwa al-Quds"})
    await update(client, url, json={"country": "Iraq"})

    feed = parsed(await client.get("/v1/actors", params={"format": "atom", "limit": 2}))

    titles = [entry.find("atom:title", ATOM).text for entry in entries(feed)]
    assert titles == ["Liwa al-Haq", "Liwa al-Quds"]


async def test_accept_atom_is_the_feed(client):
    response = await client.get("/v1/statements", headers={"Accept": "application/atom+xml"})
    statements = entries(parsed(response))
    assert statements
    assert all(entry.find("atom:title", ATOM).text for entry in statements)


async def test_text_xml_cannot_hold_is_left_out(client):
    body = {"type": "shelling", "start_date": "2017-02-03", "description": "Bell\x07 rang."}
    assert (await client.post("/v1/incidents", json=body)).status_code == 201
    feed = parsed(await client.get("/v1/incidents", params={"format": "atom", "q": "rang"}))
    assert entries(feed)[0].find("atom:summary", ATOM).text == "Bell rang."


async def test_a_feed_is_not_offered_where_a_list_is_not(client):
    assert_problem(await client.get("/v1/changes", params={"format": "atom"}), 422, "format")
