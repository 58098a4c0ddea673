"""Conditional requests (RFC 9110): a record's ETag is its version; `If-None-Match` saves a
download, `If-Match` makes a change apply only to the version the editor read."""

import re
from typing import Annotated

from fastapi import Depends, Header, Request, Response

from app.api.responses import JsonResponse
from app.core.errors import PreconditionRequired, Unprocessable
from app.core.records import Versions, etag
from app.core.shapes import JsonRow

# An entity tag, quoted as RFC 9110 has it, or bare (`3`), which is forgiven.
_TAG = r'((W/)?"[\x21\x23-\x7e]*"|[\x21\x23-\x2b\x2d-\x7e]+)'
# `*`, or a comma-separated list of entity tags.
ETAG_LIST_PATTERN = rf"^(\*|{_TAG}(\s*,\s*{_TAG})*)$"
_TAGS = re.compile(_TAG)


def not_modified(if_none_match: str | None, tag: str) -> bool:
    """Whether If-None-Match names the current tag (weakly compared, as RFC 9110 says)."""
    if if_none_match is None:
        return False
    listed = {item.strip().removeprefix("W/") for item in if_none_match.split(",")}
    return bool(listed & {tag, "*"})


def expected_versions(if_match: str | None) -> Versions:
    """The versions an If-Match header allows a change to (None for `*`: any version).

    Comparison is strong: weak tags, and tags that are no version of ours, match nothing."""
    if if_match is None:
        raise PreconditionRequired(
            "Send the ETag you read as If-Match, so that a change made since is not "
            'overwritten (If-Match: "3"; or If-Match: * to overwrite whatever is there).'
        )
    if not re.fullmatch(ETAG_LIST_PATTERN, if_match.strip()):
        raise Unprocessable.at(
            ("header", "if-match"), 'must be ETags as read, e.g. "3", or *', "etag"
        )
    if if_match.strip() == "*":
        return None
    strong = (m.group(0) for m in _TAGS.finditer(if_match) if not m.group(0).startswith("W/"))
    return frozenset(int(tag.strip('"')) for tag in strong if tag.strip('"').isdigit())


IfMatch = Annotated[
    str | None,
    Header(
        max_length=200,
        pattern=ETAG_LIST_PATTERN,
        description="Required: the ETag you read (or `*`). The change applies only if the "
        "record is still at that version, else 412; without it, 428.",
    ),
]
OptionalIfMatch = Annotated[
    str | None,
    Header(
        max_length=200,
        pattern=ETAG_LIST_PATTERN,
        description="Optional here: the ETag of the deleted record, to restore that version only.",
    ),
]


def _restorable(if_match: OptionalIfMatch = None) -> Versions:
    return expected_versions(if_match or "*")


# The versions a restore may apply to: those its optional If-Match names, else any. (A
# dependency, so the header follows Idempotency-Key among the operation's parameters.)
ExpectedIfAny = Annotated[Versions, Depends(_restorable)]


def written(shown: JsonRow, status_code: int = 200) -> JsonResponse:
    """A record as a write leaves it, with its ETag."""
    return JsonResponse(shown, status_code=status_code, headers={"ETag": etag(shown["version"])})


def fresh(request: Request, shown: JsonRow) -> Response:
    """A record as read: 304 if the reader's If-None-Match names its version already."""
    tag = etag(shown["version"])
    if not_modified(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers={"ETag": tag})
    return JsonResponse(shown, headers={"ETag": tag})
