import pytest

from tests.helpers import all_pages, assert_problem, read_csv

pytestmark = pytest.mark.anyio


async def test_the_seed_article_is_the_source(client):
    (article,) = (await client.get("/v1/sources")).json()["data"]
    assert article["kind"] == "live_blog"
    assert article["publisher"] == "EA WorldView"
    assert article["published_at"] == "2017-01-23T11:25:00Z"


async def test_every_seed_record_cites_it_with_its_title(client):
    (article,) = (await client.get("/v1/sources")).json()["data"]
    for collection in ("statements", "incidents", "negotiation-sessions", "agreements"):
        for record in await all_pages(client, f"/v1/{collection}"):
            assert {c["source_id"] for c in record["citations"]} == {article["id"]}
            assert {c["source_title"] for c in record["citations"]} == {article["title"]}


async def test_language_is_a_language_tag(client):
    body = {"title": "t", "kind": "other", "language": "not a language"}
    assert_problem(await client.post("/v1/sources", json=body), 422, "language")


async def test_a_source_keeps_its_page_its_pdf_and_an_archive_copy(client):
    links = [
        {"url": "https://www.peaceagreements.org/view/2092", "kind": "pdf"},
        {"url": "https://web.archive.org/web/2017/https://example.org/a", "kind": "archive"},
    ]
    body = {"title": "Wadi Barada agreement", "kind": "other",
            "url": "https://www.peaceagreements.org/wview/2092", "links": links}  # fmt: skip
    created = await client.post("/v1/sources", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["links"] == links
    exported = await client.get("/v1/sources", params={"format": "csv", "fields": "links"})
    assert read_csv(exported)[-1]["links"] == (
        "url: https://www.peaceagreements.org/view/2092, kind: pdf; "
        "url: https://web.archive.org/web/2017/https://example.org/a, kind: archive"
    )


async def test_a_dataset_release_is_a_source(client):
    body = {"title": "ACLED Syria export, 2017-01-27", "kind": "dataset", "publisher": "ACLED"}
    created = await client.post("/v1/sources", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["kind"] == "dataset"


async def test_free_text_is_stored_without_invisible_characters(client):
    source = {"title": "Astana\u200b talks\u2067 report", "kind": "news_article"}
    response = await client.post("/v1/sources", json=source)
    assert response.status_code == 201, response.text
    assert response.json()["title"] == "Astana talks report"
