"""The explorer at `/`, in a real browser (Debian's chromium, driven by Playwright) against the
service as it runs: a journalist finds incidents without typing a URL."""

import shutil
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from app.__main__ import main
from tests.servers import served

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (make test)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


@pytest.fixture
def base_url(committed_demo, tmp_path) -> Iterator[str]:
    with served({"DATABASE_URL": committed_demo}, tmp_path / "server.log") as url:
        yield url


@pytest.fixture
def page(browser, base_url) -> Iterator[Page]:
    """A fresh page at `/`, ready; it fails the test if it logs an error or asks any other
    host for anything."""
    context = browser.new_context(base_url=base_url)
    opened = context.new_page()
    errors: list[str] = []
    elsewhere: list[str] = []
    opened.on("console", lambda message: message.type == "error" and errors.append(message.text))
    # A refused search is answered on the page itself (test_a_refused_search_says_why).
    refused = "Failed to load resource: the server responded with a status of 422"
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("request", lambda r: r.url.startswith(base_url) or elsewhere.append(r.url))
    opened.goto("/")
    expect(opened.locator("body")).to_have_attribute("data-ready", "true")
    yield opened
    context.close()
    assert [error for error in errors if not error.startswith(refused)] == []
    assert elsewhere == []


SELECTS = ("limit",)


def search(page: Page, **filters: str) -> None:
    for name, value in filters.items():
        field = page.locator(f"[name={name}]")
        if name in SELECTS:
            field.select_option(value)
        else:
            field.fill(value)
    page.get_by_role("button", name="Search").click()


def api(base_url: str, path: str, **params: str) -> httpx.Response:
    return httpx.get(f"{base_url}{path}", params=params or None)


def test_a_journalist_finds_an_actors_incidents_and_downloads_them(page, base_url):
    search(page, actor="Hezbollah")

    expected = api(base_url, "/v1/incidents", actor="Hezbollah").json()["data"]
    found = page.locator("#results tbody tr")
    expect(found).to_have_count(len(expected))
    first = found.first
    expect(first).to_contain_text(expected[0]["place"]["name"])
    expect(first).to_contain_text("Hezbollah")
    expect(page.locator("#status")).to_have_text(
        f"{len(expected)} incident{'s' if len(expected) > 1 else ''} shown."
    )
    csv = page.get_by_role("link", name="CSV (spreadsheet)").get_attribute("href")
    assert csv == "/v1/incidents?actor=Hezbollah&format=csv"
    exported = httpx.get(f"{base_url}{csv}")
    assert exported.status_code == 200
    assert len(exported.text.strip().splitlines()) == len(expected) + 1
    feed = page.get_by_role("link", name="Atom feed").get_attribute("href")
    assert feed == "/v1/incidents?actor=Hezbollah&format=atom"
    assert page.url == f"{base_url}/?actor=Hezbollah"


def test_a_shared_address_opens_on_its_search(page, base_url):
    airstrikes = api(base_url, "/v1/incidents", type="airstrike").json()["data"]
    page.goto("/?type=airstrike")
    expect(page.locator("#results tbody tr")).to_have_count(len(airstrikes))
    expect(page.locator("[name=type]")).to_have_value("airstrike")


def test_the_next_page_follows_until_every_incident_is_shown(page, base_url):
    everything = api(base_url, "/v1/incidents").json()["data"]
    page.goto("/?limit=2")
    expect(page.locator("#results tbody tr")).to_have_count(2)
    for shown in range(4, len(everything) + 2, 2):
        page.get_by_role("button", name="Next page").click()
        expect(page.locator("#results tbody tr")).to_have_count(min(shown, len(everything)))
    expect(page.get_by_role("button", name="Next page")).to_be_hidden()
    dates = page.locator("#results tbody tr td:first-child").all_inner_texts()
    assert dates == [when(incident) for incident in everything]


def when(incident: dict) -> str:
    """The date as the page shows it."""
    start, end = incident["start_date"], incident["end_date"]
    if start is None:
        return "date unknown"
    return start if end in (None, start) else f"{start} to {end}"


def test_a_refused_search_says_why(page):
    search(page, **{"from": "2017-02-01", "to": "2017-01-01"})
    problem = page.get_by_role("alert")
    expect(problem).to_be_visible()
    expect(problem).not_to_be_empty()
    expect(page.locator("#results")).to_be_hidden()


def test_a_record_cannot_put_markup_on_the_page(page, base_url, committed_demo, capsys):
    main(["keys", "create", "--name", "explorer test", "--scope", "write"])
    token = capsys.readouterr().out.strip().splitlines()[-1]
    trap = "<img src=x onerror=\"document.body.dataset.owned='yes'\">"
    created = httpx.post(
        f"{base_url}/v1/incidents",
        json={"type": "shelling", "start_date": "2017-02-02", "description": trap},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201, created.text

    search(page, q="onerror")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results tbody tr td").nth(5)).to_have_text(trap)
    assert page.locator("body").get_attribute("data-owned") is None


def test_the_page_leads_to_the_documentation(page):
    page.get_by_role("link", name="interactive API documentation").click()
    expect(page).to_have_title("Syria conflict record API - Swagger UI")


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_documentation_asks_no_other_host(browser, base_url, path):
    context = browser.new_context(base_url=base_url)
    opened = context.new_page()
    asked: list[str] = []
    blocked: list[str] = []  # by the page's Content-Security-Policy: never sent
    opened.on("request", lambda r: r.url.startswith((base_url, "blob:")) or asked.append(r.url))
    opened.on(
        "requestfailed", lambda r: "csp" in (r.failure or "").lower() and blocked.append(r.url)
    )
    opened.goto(path)
    opened.wait_for_load_state("networkidle")
    expect(opened.get_by_text("Syria conflict record API").first).to_be_visible()
    context.close()
    assert [url for url in asked if url not in blocked] == []
