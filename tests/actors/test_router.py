import pytest

from tests.helpers import actor_id, all_pages, assert_problem, remove, update

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    "spelling",
    ["Ja'afari", "Jaafari", "al-Jaafari", "JA’AFARI", "Bashar al-Ja'afari", "الجعفري", "jaafari"],
)
async def test_q_finds_jaafari_however_spelled(client, spelling):
    found = (await client.get("/v1/actors", params={"q": spelling})).json()["data"]
    assert [actor["name"] for actor in found] == ["Bashar al-Ja'afari"]


@pytest.mark.parametrize("name", ["Nusra", "Jabhat al-Nusra", "JFS", "Fatah al-Sham"])
async def test_q_finds_jabhat_fatah_al_sham_by_former_name_or_abbreviation(client, name):
    found = (await client.get("/v1/actors", params={"q": name})).json()["data"]
    assert [actor["name"] for actor in found] == ["Jabhat Fatah al-Sham"]


async def test_q_with_no_match_is_an_empty_page(client):
    body = (await client.get("/v1/actors", params={"q": "Zzyzx"})).json()
    assert body == {"data": [], "next_cursor": None}


async def test_aliases_keep_their_kind_and_language(client):
    jfs = (await client.get(f"/v1/actors/{await actor_id(client, 'JFS')}")).json()
    aliases = {alias["name"]: alias for alias in jfs["aliases"]}
    assert aliases["Jabhat al-Nusra"]["kind"] == "former_name"
    assert aliases["JFS"]["kind"] == "abbreviation"
    assert any(alias["language"] == "ar" for alias in jfs["aliases"])


async def test_affiliations_embed_the_other_actors_name(client):
    jaafari = (await client.get(f"/v1/actors/{await actor_id(client, 'Jaafari')}")).json()
    represents = [a for a in jaafari["affiliations"] if a["kind"] == "represents"]
    assert represents[0]["actor_name"] == "Syrian government"
    assert represents[0]["title"] == "UN Ambassador"


async def test_alloush_is_of_jaish_al_islam_and_leads_the_opposition_delegation(client):
    alloush = (await client.get(f"/v1/actors/{await actor_id(client, 'Alloush')}")).json()
    links = {(a["kind"], a["actor_name"]) for a in alloush["affiliations"]}
    assert ("member_of", "Jaish al-Islam") in links
    assert any(kind == "leads" and "delegation" in name.lower() for kind, name in links)


async def test_new_alias_is_searchable_at_once(client):
    hezbollah = await actor_id(client, "Hezbollah")
    current = (await client.get(f"/v1/actors/{hezbollah}")).json()["aliases"]

    await update(
        client, f"/v1/actors/{hezbollah}", json={"aliases": [*current, {"name": "Party of God"}]}
    )

    assert await actor_id(client, "party of god") == hezbollah


async def test_deleted_actor_is_no_longer_found(client):
    created = (
        await client.post("/v1/actors", json={"name": "Liwa al-Haq", "kind": "armed_group"})
    ).json()
    await remove(client, f"/v1/actors/{created['id']}")
    assert (await client.get("/v1/actors", params={"q": "Liwa al-Haq"})).json()["data"] == []


async def test_external_ids_are_bounded_keys(client):
    body = {"name": "X", "kind": "person", "external_ids": {"Not A Key!": "1"}}
    assert_problem(await client.post("/v1/actors", json=body), 422, "external_ids.Not A Key!.[key]")


@pytest.mark.parametrize("typo", ["Jafari", "Jaafary", "Bashar Jafari"])
async def test_q_forgives_small_typos(client, typo):
    found = (await client.get("/v1/actors", params={"q": typo})).json()["data"]
    assert found[0]["name"] == "Bashar al-Ja'afari"


async def test_q_ranks_the_exact_name_first(client):
    await client.post("/v1/actors", json={"name": "Turkey Watch", "kind": "ngo"})
    await client.post(
        "/v1/actors",
        json={"name": "Ankara office", "kind": "other", "aliases": [{"name": "Turkey"}]},
    )
    found = (await client.get("/v1/actors", params={"q": "Turkey"})).json()["data"]
    assert [a["name"] for a in found] == ["Turkey", "Ankara office", "Turkey Watch"]


async def test_q_ranks_an_exact_alias_above_a_name_ending_with_its_words(client):
    # Reconciling a dataset's "Russian Federation" must pick Russia, whose alias it is.
    ministry = "Defence Ministry of the Republic of the Russian Federation"
    await client.post("/v1/actors", json={"name": ministry, "kind": "government"})
    found = (await client.get("/v1/actors", params={"q": "Russian Federation"})).json()["data"]
    assert [a["name"] for a in found] == ["Russia", ministry]


async def test_an_alias_may_be_dated(client):
    alias = {"name": "Military Forces of Syria (2000-2024)", "kind": "former_name",
             "valid_from": "2000-07-17", "valid_to": "2024-12-08"}  # fmt: skip
    body = {"name": "Syrian Arab Army", "kind": "state_forces", "aliases": [alias]}
    created = await client.post("/v1/actors", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["aliases"] == [{**alias, "language": None}]
    assert await actor_id(client, "Military Forces of Syria") == created.json()["id"]
    backwards = {**alias, "valid_from": "2024-12-08", "valid_to": "2000-07-17"}
    response = await client.post("/v1/actors", json={**body, "aliases": [backwards]})
    assert_problem(response, 422, "aliases.0.valid_to")


@pytest.mark.parametrize(
    "kind",
    ["state_forces", "rebel_group", "political_militia", "identity_militia", "rioters",
     "protesters", "civilians", "external_forces"],
)  # fmt: skip
async def test_acleds_actor_types_are_kinds(client, kind):
    created = await client.post("/v1/actors", json={"name": "Some actor", "kind": kind})
    assert created.status_code == 201, created.text
    assert (await client.get("/v1/actors", params={"kind": kind})).json()["data"][0]["kind"] == kind


async def test_ranked_results_page_without_repeats(client):
    for number in range(7):
        await client.post("/v1/actors", json={"name": f"Liwa {number}", "kind": "armed_group"})
    rows = await all_pages(client, "/v1/actors", q="Liwa", limit=2)
    assert [a["name"] for a in rows] == [f"Liwa {number}" for number in range(7)]


async def test_kind(client):
    found = await all_pages(client, "/v1/actors", kind=["state"])
    assert {a["name"] for a in found} == {"Kazakhstan", "Russia", "Turkey", "Iran", "United States"}


async def test_affiliated_with_takes_in_everyone_at_any_depth(client):
    people = await all_pages(client, "/v1/actors", affiliated_with="Jaish al-Islam")
    assert {a["name"] for a in people} == {"Jaish al-Islam", "Mohammad Alloush"}
    opposition = {
        a["name"]
        for a in await all_pages(client, "/v1/actors", affiliated_with="Syrian opposition")
    }
    assert opposition == {
        "Syrian opposition and rebels",
        "Syrian opposition-rebel delegation to the Astana talks",
        "Jaish al-Islam",
        "Mohammad Alloush",
        "Ahrar al-Sham",
        "Rebel factions in northwest Syria",
    }
    assert "Turkey" not in opposition  # support is not membership


@pytest.mark.parametrize("name", ["\u200b", "\u202e\u202e", " \ufeff\u2066 ", "\ufe0f\u3164"])
async def test_a_name_of_invisible_characters_is_blank(client, name):
    response = await client.post("/v1/actors", json={"name": name, "kind": "person"})
    assert assert_problem(response, 422, "name")


async def test_hidden_characters_cannot_make_a_look_alike(client):
    response = await client.post(
        "/v1/actors", json={"name": "Bashar al-Ja\u200bafari\u202e", "kind": "person"}
    )

    assert response.status_code == 201, response.text
    assert response.json()["name"] == "Bashar al-Jaafari"
    found = await all_pages(client, "/v1/actors", q="Ja\u200bafari")
    assert [actor["name"] for actor in found][:2] == ["Bashar al-Ja'afari", "Bashar al-Jaafari"]


async def test_a_variation_selector_cannot_make_a_look_alike_either(client):
    response = await client.post(
        "/v1/actors", json={"name": "Zzbashar Ja\ufe0fafari", "kind": "person"}
    )
    assert response.json()["name"] == "Zzbashar Jaafari"
    found = await all_pages(client, "/v1/actors", q="Zzbashar Ja\U000e0041afari")
    assert [actor["name"] for actor in found] == ["Zzbashar Jaafari"]


async def test_the_joiners_persian_needs_are_kept_and_folded_away(client):
    hezbollah = "\u062d\u0632\u0628\u200c\u0627\u0644\u0644\u0647"
    response = await client.post("/v1/actors", json={"name": hezbollah, "kind": "armed_group"})

    assert response.json()["name"] == hezbollah
    found = await all_pages(client, "/v1/actors", q=hezbollah.replace("\u200c", ""))
    assert response.json()["id"] in [actor["id"] for actor in found]
