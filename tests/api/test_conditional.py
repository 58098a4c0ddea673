"""If-Match: a change applies only to the version the editor read (RFC 9110)."""

import pytest

from tests.helpers import actor_id, assert_problem

pytestmark = pytest.mark.anyio


async def hezbollah(client) -> str:
    return f"/v1/actors/{await actor_id(client, 'Hezbollah')}"


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
async def test_a_change_without_if_match_is_428_and_changes_nothing(client, method):
    url = await hezbollah(client)
    before = (await client.get(url)).json()
    response = await client.request(
        method, url, json={"country": "Syria"} if method == "PATCH" else None
    )
    assert "If-Match" in assert_problem(response, 428)["detail"]
    assert (await client.get(url)).json() == before


async def test_a_stale_if_match_is_412_with_the_current_version(client):
    url = await hezbollah(client)
    read = await client.get(url)
    stale = read.headers["etag"]
    first = await client.patch(url, json={"country": "Iran"}, headers={"If-Match": stale})
    assert first.status_code == 200 and first.headers["etag"] != stale

    second = await client.patch(url, json={"country": "Syria"}, headers={"If-Match": stale})
    body = assert_problem(second, 412)
    assert body["current_version"] == first.json()["version"]
    assert second.headers["etag"] == first.headers["etag"]
    assert (await client.get(url)).json()["country"] == "Iran"

    deleted = await client.delete(url, headers={"If-Match": stale})
    assert_problem(deleted, 412)
    assert (await client.get(url)).status_code == 200


async def test_the_current_etag_applies(client):
    url = await hezbollah(client)
    etag = (await client.get(url)).headers["etag"]
    response = await client.patch(url, json={"country": "Iran"}, headers={"If-Match": etag})
    assert response.status_code == 200
    assert response.headers["etag"] == f'"{response.json()["version"]}"'
    assert (
        await client.delete(url, headers={"If-Match": response.headers["etag"]})
    ).status_code == 204


async def test_if_match_star_means_any_version(client):
    url = await hezbollah(client)
    response = await client.patch(url, json={"country": "Iran"}, headers={"If-Match": "*"})
    assert response.status_code == 200


@pytest.mark.parametrize("header", ['"3', '"1";"2"', '"1",,"2"', "a b"])
async def test_a_malformed_if_match_is_422(client, header):
    url = await hezbollah(client)
    response = await client.patch(url, json={"country": "x"}, headers={"If-Match": header})
    assert_problem(response, 422, "if-match")


@pytest.mark.parametrize("other", ['"abc"', 'W/"{v}"', '"{stale}"', "{stale}"])
async def test_a_tag_that_is_not_the_current_strong_one_is_412(client, other):
    url = await hezbollah(client)
    version = (await client.get(url)).json()["version"]
    header = other.format(v=version, stale=version + 7)
    response = await client.patch(url, json={"country": "x"}, headers={"If-Match": header})
    assert assert_problem(response, 412)["current_version"] == version


async def test_a_bare_version_is_forgiven(client):
    url = await hezbollah(client)
    version = (await client.get(url)).json()["version"]
    response = await client.patch(url, json={"country": "Iran"}, headers={"If-Match": str(version)})
    assert response.status_code == 200


async def test_any_tag_of_a_list_may_match(client):
    url = await hezbollah(client)
    version = (await client.get(url)).json()["version"]
    header = f'"{version + 5}", W/"{version}", "{version}"'
    response = await client.patch(url, json={"country": "Iran"}, headers={"If-Match": header})
    assert response.status_code == 200


async def test_a_refused_body_is_named_before_a_missing_if_match(client):
    url = f"/v1/actors/{await actor_id(client, 'Hezbollah')}"
    assert_problem(await client.patch(url, json={"kind": "spaceship"}), 422, "kind")


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
async def test_a_malformed_id_is_named_before_a_missing_if_match(client, method):
    response = await client.request(method, "/v1/sources/not-a-uuid", json={})
    assert_problem(response, 422, "record_id")
