"""A list as an Atom 1.0 feed (`format=atom`, RFC 4287): the records it finds that changed
last, newest first, so that a journalist can follow a search in a feed reader. Each entry
links to the record and to its sources."""

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from xml.etree.ElementTree import Element, SubElement, tostring

from fastapi import Request, Response

from app.api.links import public_link
from app.core.shapes import JsonRow

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
# A feed's id names it whatever host serves it (RFC 4151 tag URIs).
TAG = "tag:syria-record-api,2026:"
# What an entry's title and summary are made of, by the first field a record has.
TITLES = ("title", "name")
SUMMARIES = ("summary", "description", "quote", "notes")
UNSEARCHED = ("format", "limit", "cursor", "fields")


def feed(request: Request, resource: str, rows: list[JsonRow]) -> Response:
    root = Element("feed", xmlns=ATOM)
    query = request.url.query
    searched = ", ".join(f"{name} {value}" for name, value in request.query_params.multi_items()
                         if name not in UNSEARCHED)  # fmt: skip
    _text(root, "id", f"{TAG}{request.url.path}?{query}")
    title = f"Syria conflict record: {resource.replace('-', ' ')}"
    _text(root, "title", f"{title} ({searched})" if searched else title)
    _text(root, "updated", max((row["updated_at"] for row in rows), default=_now()))
    _link(root, public_link(request, request.url.path, query), rel="self", type=MEDIA_TYPE)
    SubElement(SubElement(root, "author"), "name").text = "Syria conflict record API"
    for row in rows:
        _entry(root, request, resource, row)
    body = tostring(root, encoding="unicode", xml_declaration=True)
    return Response(body, media_type=f"{MEDIA_TYPE}; charset=utf-8")


def _entry(root: Element, request: Request, resource: str, row: JsonRow) -> None:
    entry = SubElement(root, "entry")
    _text(entry, "id", f"urn:uuid:{row['id']}")
    _text(entry, "title", _headline(row))
    _text(entry, "published", row["created_at"])
    _text(entry, "updated", row["updated_at"])
    record = public_link(request, f"/v1/{resource}/{row['id']}")
    _link(entry, record, rel="alternate", type="application/json")
    for citation in _citations(row):
        source = citation.get("source_url") or public_link(
            request, f"/v1/sources/{citation['source_id']}"
        )
        _link(entry, source, rel="related", title=citation.get("source_title") or "source")
    summary = next((row[name] for name in SUMMARIES if row.get(name)), None)
    if summary:
        _text(entry, "summary", summary)


def _headline(row: JsonRow) -> str:
    """An entry's title: the record's own, or for an incident its date, kind and place."""
    if "quote" in row:
        speaker = row.get("speaker_name") or row.get("speaker_label") or "Someone"
        return f"{speaker}: {_shortened(row['quote'] or row.get('summary') or '')}"
    named = next((row[name] for name in TITLES if row.get(name)), None)
    if named is not None:
        return str(named)
    place = (row.get("place") or {}).get("name")
    when = row.get("start_date") or "date unknown"
    return " ".join(part for part in (when, row.get("type"), place and f"in {place}") if part)


def _shortened(words: str, most: int = 100) -> str:
    return words if len(words) <= most else words[: most - 1].rsplit(" ", 1)[0] + "…"


def _citations(row: JsonRow) -> Iterable[JsonRow]:
    seen = set()
    for citation in row.get("citations") or []:
        if citation["source_id"] not in seen:
            seen.add(citation["source_id"])
            yield citation


def _text(parent: Element, tag: str, value: str) -> None:
    SubElement(parent, tag).text = _xml_safe(value)


def _link(parent: Element, href: str, **attributes: str) -> None:
    safe = {name: _xml_safe(value) for name, value in attributes.items()}
    SubElement(parent, "link", {"href": _xml_safe(href), **safe})


# Characters XML 1.0 cannot hold at all, even escaped; stored text may have them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(value: str) -> str:
    return _NOT_XML.sub("", value)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
