"""The datasets' files, read row by row into records of ours.

Each format turns one row (a dict of its columns, lower-cased) into a `Parsed` record: a
create body of our schema, with the actors it names still as names (reconciled later) and
every column no field holds kept in `dataset_fields` as `dataset:column`.
"""

import csv
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from app.imports import mappings

T = TypeVar("T")

# CSV fields as long as a PA-X agreement's text: Python's default limit is 128 KB.
csv.field_size_limit(16 * 1024 * 1024)


class BadRow(ValueError):
    """A row that cannot be read: its reason, for the report."""


@dataclass(frozen=True)
class Mention:
    """An actor a row names, in its role, with the kind a new actor would get; a name in
    free text (PA-X's parties) is only matched, never made an actor: the text keeps it."""

    name: str
    role: str
    kind: str
    external_id: tuple[str, str] | None = None  # the dataset's own actor id, where it has one
    create: bool = True


@dataclass
class Parsed:
    """One record read from a row: a create body without its actors, the actors named, and
    the records it refers to, found by their ids in the dataset or created: its process, and
    sources of its own (an agreement's text) that it cites beside the dataset."""

    body: dict[str, Any]
    mentions: list[Mention] = field(default_factory=list)
    process: dict[str, Any] | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)

    @property
    def external_id(self) -> tuple[str, str]:
        ((dataset, value),) = self.body["external_ids"].items()
        return dataset, value


# The actors a record names, reconciled: each mention and its actor's id.
Resolved = list[tuple[Mention, str]]


@dataclass(frozen=True)
class Format:
    """A dataset's file format: the collection its rows become, how a row is read, how the
    actors named go into the body, and the source (the dataset itself) every record cites."""

    name: str
    dataset: str
    collection: str
    read: Callable[[dict[str, str]], Parsed]
    attach: Callable[[dict[str, Any], Resolved], dict[str, Any]]
    source: dict[str, Any]
    renames: dict[str, str] = field(default_factory=dict)  # older column names -> today's


def incident_actors(body: dict[str, Any], resolved: Resolved) -> dict[str, Any]:
    """An incident's actors in their roles, each actor once per role."""
    actors = {(actor, mention.role): {"actor_id": actor, "role": mention.role}
              for mention, actor in resolved}  # fmt: skip
    return body | {"actors": list(actors.values())}


def agreement_actors(body: dict[str, Any], resolved: Resolved) -> dict[str, Any]:
    """An agreement's parties, guarantors and other third parties in their roles."""

    def ids(role: str) -> list[str]:
        return list(dict.fromkeys(actor for mention, actor in resolved if mention.role == role))

    others = [(mention, actor) for mention, actor in resolved
              if mention.role not in ("party", "guarantor")]  # fmt: skip
    third = {(actor, mention.role): {"actor_id": actor, "role": mention.role}
             for mention, actor in others}  # fmt: skip
    return body | {"parties": ids("party"), "guarantors": ids("guarantor"),
                   "third_parties": list(third.values())}  # fmt: skip


def rows(
    lines: Iterable[str], renames: dict[str, str] | None = None
) -> Iterator[tuple[int, dict[str, str] | BadRow]]:
    """The rows of a CSV file (a byte-order mark skipped), each with the line it starts on and
    its columns lower-cased (and renamed), empty cells and unnamed columns (a spreadsheet's
    row numbers) left out, blank lines skipped; a row that cannot be read is a BadRow."""
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        return
    names = [(renames or {}).get(name, name) for name in (_column(cell) for cell in header)]
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield line, BadRow(f"not CSV: {exc}")
            line = reader.line_num + 1
            continue
        if len(cells) != len(names) and cells:
            yield line, BadRow(f"{len(cells)} cells where the header has {len(names)}")
        elif cells:
            yield line, {name: value.strip() for name, value in zip(names, cells, strict=True)
                         if name and value.strip()}  # fmt: skip
        line = reader.line_num + 1


def _column(name: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", name.strip().lstrip("\ufeff").lower())


def slug(text: str) -> str:
    """A code of ours from a dataset's words: "Air/drone strike" -> air_drone_strike."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:100]


def looked_up(table: Mapping[str, T], value: str | None, column: str) -> T | None:
    """A dataset's code through one of the mappings; a code the table lacks is a bad row."""
    if value is None:
        return None
    try:
        return table[value if value in table else value.lower()]
    except KeyError:
        raise BadRow(f"{column}: unknown value {value!r}") from None


def _coordinate(value: str | None, column: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise BadRow(f"{column}: not a number: {value!r}")
    return number


def _number(value: str | None, column: str) -> int | None:
    """A count, which some files write as `3.0`."""
    number = _coordinate(value, column)
    return None if number is None else int(number)


DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S.%f",
                "%Y-%m-%d %H:%M:%S")  # fmt: skip


def _date(value: str | None, column: str) -> str | None:
    if value is None:
        return None
    for spelling in DATE_FORMATS:
        try:
            return datetime.strptime(value, spelling).date().isoformat()
        except ValueError:
            continue
    raise BadRow(f"{column}: not a date: {value!r}")


def _required(row: dict[str, str], column: str) -> str:
    if column not in row:
        raise BadRow(f"{column}: missing")
    return row[column]


def _kept(dataset: str, row: dict[str, str], used: set[str]) -> dict[str, str]:
    """The row's columns that no field of ours took, as `dataset:column`."""
    return {f"{dataset}:{name}": value for name, value in row.items()
            if name not in used and re.fullmatch(r"[a-z][a-z0-9_]{0,63}", name)}  # fmt: skip


def _names(cell: str | None) -> list[str]:
    """The actors of one cell: ACLED's associated actors are separated by semicolons."""
    return [name.strip() for name in (cell or "").split(";") if name.strip()]


ACLED_USED = {
    "event_id_cnty", "event_date", "time_precision", "sub_event_type", "actor1",
    "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "notes", "fatalities", "tags",
}  # fmt: skip


def acled(row: dict[str, str]) -> Parsed:
    """An ACLED event, in today's layout or the older upper-case one."""
    event_type = _required(row, "event_type")
    sub_event = row.get("sub_event_type")
    if sub_event is not None:
        kind = looked_up(mappings.ACLED_SUB_EVENT_TYPES, sub_event, "sub_event_type")
    else:
        kind = looked_up(mappings.ACLED_OLD_EVENT_TYPES, event_type, "event_type")
    day = _date(_required(row, "event_date"), "event_date")
    first, second = mappings.ACLED_ROLES.get(event_type, ("side", "side"))
    precision = looked_up(
        mappings.ACLED_TIME_PRECISION, row.get("time_precision"), "time_precision"
    )
    body: dict[str, Any] = {
        "type": kind,
        "sub_type": slug(sub_event or event_type),
        "description": row.get("notes"),
        "language": "en" if "notes" in row else None,
        "start_date": day,
        "end_date": day,
        "date_precision": precision or "day",
        "place": {
            "name": row.get("location"),
            "governorate": row.get("admin1"),
            "district": row.get("admin2"),
            "subdistrict": row.get("admin3"),
            "latitude": _coordinate(row.get("latitude"), "latitude"),
            "longitude": _coordinate(row.get("longitude"), "longitude"),
            "precision": looked_up(
                mappings.ACLED_GEO_PRECISION, row.get("geo_precision"), "geo_precision"
            ),
        },
        "killed": {"best": _number(row.get("fatalities"), "fatalities")},
        "weapons": [mappings.ACLED_WEAPONS[sub_event]]
        if sub_event in mappings.ACLED_WEAPONS
        else [],
        "tags": list(dict.fromkeys(_names(row.get("tags")))),
        "external_ids": {"acled": _required(row, "event_id_cnty")},
        "dataset_fields": _kept("acled", row, ACLED_USED),
    }
    return Parsed(body, _acled_mentions(row, first, second))


def _acled_mentions(row: dict[str, str], first: str, second: str) -> list[Mention]:
    """Actor 1 and its associated actors in the first role, actor 2 and its in the second; the
    side's actor type gives a new actor its kind, and makes civilians targeted victims."""
    mentions = []
    for side, role in ((1, first), (2, second)):
        inter = f"inter{side}"
        kind = looked_up(mappings.ACLED_ACTOR_TYPES, row.get(inter), inter) or "other"
        if kind == "civilians" and role == "target":
            role = "victim"
        for name in [row.get(f"actor{side}"), *_names(row.get(f"assoc_actor_{side}"))]:
            if name:
                mentions.append(Mention(name, role, kind))
    return mentions


UCDP_USED = {
    "id", "type_of_violence", "side_a", "side_a_new_id", "side_b", "side_b_new_id",
    "where_prec", "where_coordinates", "adm_1", "adm_2", "latitude", "longitude",
    "event_clarity", "date_prec", "date_start", "date_end", "best", "high", "low",
    *mappings.UCDP_DEATHS,
}  # fmt: skip


def ucdp_ged(row: dict[str, str]) -> Parsed:
    """A UCDP Georeferenced Event Dataset event (all 49 columns, or an extract of them)."""
    violence = _required(row, "type_of_violence")
    kind = looked_up(mappings.UCDP_VIOLENCE_TYPES, violence, "type_of_violence")
    roles = mappings.UCDP_ROLES.get(violence, ("side", "side"))
    kinds = mappings.UCDP_ACTOR_KINDS.get(violence, ("armed_group", "armed_group"))
    body: dict[str, Any] = {
        "type": kind,
        "start_date": _date(_required(row, "date_start"), "date_start"),
        "end_date": _date(row.get("date_end"), "date_end"),
        "date_precision": looked_up(mappings.UCDP_DATE_PRECISION, row.get("date_prec"),
                                    "date_prec") or "day",
        "place": {
            "name": row.get("where_coordinates"),
            "governorate": _admin(row.get("adm_1")),
            "district": _admin(row.get("adm_2")),
            "latitude": _coordinate(row.get("latitude"), "latitude"),
            "longitude": _coordinate(row.get("longitude"), "longitude"),
            "precision": looked_up(mappings.UCDP_WHERE_PRECISION, row.get("where_prec"),
                                   "where_prec"),
        },
        "killed": {"low": _number(row.get("low"), "low"), "best": _number(row.get("best"), "best"),
                   "high": _number(row.get("high"), "high")},
        "casualties": [{"category": category, "outcome": "killed",
                        "best": _number(row[column], column)}
                       for column, category in mappings.UCDP_DEATHS.items() if column in row],
        "aggregate": row.get("event_clarity") == mappings.UCDP_AGGREGATE_CLARITY,
        "external_ids": {"ucdp_ged": _required(row, "id")},
        "dataset_fields": _kept("ucdp_ged", row, UCDP_USED),
    }  # fmt: skip
    mentions = [
        Mention(row[side], role, new_kind,
                ("ucdp", row[f"{side}_new_id"]) if f"{side}_new_id" in row else None)
        for side, role, new_kind in zip(("side_a", "side_b"), roles, kinds, strict=True)
        if side in row
    ]  # fmt: skip
    return Parsed(body, mentions)


def _admin(name: str | None) -> str | None:
    """An administrative name as ours are written: without UCDP's "governorate" or "district"."""
    if name is None:
        return None
    for suffix in mappings.UCDP_ADMIN_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)].strip()
    return name


PAX_USED = {"agtid", "agt", "dat", "stage", "part", "thrdpart", "pp", "ppname", "loc1iso",
            "loc2iso", "pax_hyperlink", "pdf_hyperlink"}  # fmt: skip
# "S/RES/2254 (2015)", "UNSC resolution 2254", "Resolution 2118 (2013)".
UN_RESOLUTION = re.compile(r"(?:S/RES/|[Rr]esolution\s+)(\d{2,4})(?:\s*\((\d{4})\))?")


def pax(row: dict[str, str]) -> Parsed:
    """A PA-X agreement: its parties and third parties kept as the text names them, and
    matched to actors where a name is exactly one's."""
    stage = row.get("stage")
    body: dict[str, Any] = {
        "title": _required(row, "agt"),
        "kind": mappings.PAX_KINDS.get(stage or "", mappings.PAX_DEFAULT_KIND),
        "stage": looked_up(mappings.PAX_STAGES, stage, "stage"),
        "date": _date(row.get("dat"), "dat"),
        "parties_described": row.get("part"),
        "third_parties_described": row.get("thrdpart"),
        "countries": [row[column] for column in ("loc1iso", "loc2iso") if column in row],
        "related": [{"kind": "un_resolution", "reference": _resolution(match)}
                    for match in UN_RESOLUTION.finditer(row.get("othagr", ""))],
        "external_ids": {"pax": _required(row, "agtid")},
        "dataset_fields": _kept("pax", row, PAX_USED),
    }  # fmt: skip
    mentions = [Mention(name, "party", "other", create=False)
                for name, _ in _named_in(row, "part")]  # fmt: skip
    mentions += [Mention(name, _third_party_role(entry), "other", create=False)
                 for name, entry in _named_in(row, "thrdpart")]  # fmt: skip
    process = row.get("pp") and {"name": row.get("ppname") or f"PA-X process {row['pp']}",
                                 "external_ids": {"pax": row["pp"]}}  # fmt: skip
    return Parsed(body, mentions, process or None, _agreement_text(row))


def _resolution(match: re.Match[str]) -> str:
    number, year = match.groups()
    return f"S/RES/{number} ({year})" if year else f"S/RES/{number}"


def _named_in(row: dict[str, str], column: str) -> list[tuple[str, str]]:
    """The actors a free-text cell names, one per `;` or line, each as matched (what is in
    brackets left out: "Syrian National Coalition (SNC)") and as written."""
    pieces = [piece.strip() for piece in re.split(r"[;\n]", row.get(column, ""))]
    named = [(re.sub(r"\s*\([^)]*\)", "", piece).strip(" .,"), piece) for piece in pieces]
    return [(name, piece) for name, piece in named if name]


def _third_party_role(entry: str) -> str:
    lowered = entry.lower()
    return next((role for word, role in mappings.PAX_THIRD_PARTY_ROLES.items() if word in lowered),
                "other")  # fmt: skip


def _agreement_text(row: dict[str, str]) -> list[dict[str, Any]]:
    """The agreement's own text on PA-X, its page and its PDF, as a source."""
    page, pdf = row.get("pax_hyperlink"), row.get("pdf_hyperlink")
    if page is None and pdf is None:
        return []
    links = [{"url": pdf, "kind": "pdf"}] if pdf and page else []
    return [{"title": _required(row, "agt")[:300], "kind": "other", "publisher": "PA-X",
             "url": page or pdf, "links": links,
             "external_ids": {"pax": _required(row, "agtid")}}]  # fmt: skip


FORMATS = {
    "acled": Format(
        name="acled", dataset="acled", collection="incidents", read=acled,
        attach=incident_actors, renames=mappings.ACLED_OLD_COLUMNS,
        source={"title": "ACLED: Armed Conflict Location & Event Data", "kind": "dataset",
                "publisher": "ACLED", "url": "https://acleddata.com/",
                "external_ids": {"dataset": "acled"}},
    ),
    "ucdp-ged": Format(
        name="ucdp-ged", dataset="ucdp_ged", collection="incidents", read=ucdp_ged,
        attach=incident_actors,
        source={"title": "UCDP Georeferenced Event Dataset", "kind": "dataset",
                "publisher": "Uppsala Conflict Data Program", "url": "https://ucdp.uu.se/",
                "external_ids": {"dataset": "ucdp_ged"}},
    ),
    "pax": Format(
        name="pax", dataset="pax", collection="agreements", read=pax, attach=agreement_actors,
        source={"title": "PA-X Peace Agreements Database", "kind": "dataset",
                "publisher": "University of Edinburgh", "url": "https://www.peaceagreements.org/",
                "external_ids": {"dataset": "pax"}},
    ),
}  # fmt: skip
