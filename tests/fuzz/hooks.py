"""Schemathesis hooks: what generated requests cannot know, and the refusals a schema
cannot express."""

import json
import uuid

import schemathesis

# Rules OpenAPI cannot state, rightly enforced with 422: an id naming no live record, a rule
# between two fields (end after start, quote or summary...), a cursor that was never issued.
RULES_BEYOND_THE_SCHEMA = {"missing_reference", "cross_field", "malformed_cursor"}


@schemathesis.hook
def before_call(context, case, kwargs):
    # A client sends a new Idempotency-Key per request; generated ones repeat ("0") across
    # different bodies, which the API rightly refuses.
    for name, value in list((case.headers or {}).items()):
        if name.lower() == "idempotency-key" and 1 <= len(value) <= 255:
            case.headers[name] = str(uuid.uuid4())  # a valid key stays valid


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Keep every failure except a 422 explained only by rules beyond the schema."""
    if failure.code != "ST202" or response.status_code != 422:
        return True
    try:
        errors = json.loads(response.content).get("errors") or []
    except ValueError:
        return True
    kinds = {error.get("type") for error in errors}
    return not (kinds and kinds <= RULES_BEYOND_THE_SCHEMA)
