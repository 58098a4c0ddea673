"""Which actor of ours a dataset's actor name means.

A name is matched as the `actor` filter matches it (case, diacritics, transliteration
forgiven): the one actor whose name or alias it is exactly is that actor; a name that exactly
names several, or none but comes close to some (a word prefix, a sound-alike: "Syrian Civil
Defense" and the White Helmets' "Syrian Civil Defence"), is ambiguous, and its rows are refused
until a mapping file pins it: a guess would merge two actors or split one. Any other name
becomes a new actor. A dataset's own actor id, where it
has one (UCDP's), is matched first and kept in the new actor's `external_ids`.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.actors.models import Actor
from app.actors.repository import EXACT, SOUND_ALIKE, best_matches
from app.actors.schemas import ActorCreate
from app.actors.service import ActorService
from app.core.errors import NotFound
from app.core.identifiers import holders
from app.core.names import match_key
from app.imports.formats import BadRow, Mention


def _digits(name: str) -> list[str]:
    return re.findall(r"\d+", name)


# ACLED dates a name by its years: "Military Forces of Syria (2000-2024)".
DATED_NAME = re.compile(r"^(?P<name>.+?)\s*\((?P<start>\d{4})-(?P<end>\d{4})?\)$")


@dataclass
class ActorReport:
    """What became of each name: matched to an actor, created, or ambiguous."""

    matched: dict[str, dict[str, str]] = field(default_factory=dict)
    created: dict[str, dict[str, str]] = field(default_factory=dict)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)
    unmatched: dict[str, list[str]] = field(default_factory=dict)


class Reconciler:
    def __init__(self, session: Session, pins: dict[str, str]) -> None:
        self.session = session
        self.actors = ActorService(session)
        self.report = ActorReport()
        self._pins = {match_key(name): actor for name, actor in pins.items()}
        self._known: dict[str, uuid.UUID | None] = {}

    def actor_for(self, mention: Mention) -> uuid.UUID | None:
        """The actor the mention means, created if there is none (BadRow if ambiguous); for a
        name in free text, None unless it is exactly one actor's."""
        key = match_key(mention.name)
        if key not in self._known:
            self._known[key] = self._resolved(mention, key)
        return self._known[key]

    def _resolved(self, mention: Mention, key: str) -> uuid.UUID | None:
        if key in self._pins:
            return self._pinned(mention.name, self._pins[key])
        if mention.external_id is not None:
            held = holders(self.session, Actor, [mention.external_id])
            if held:
                return self._matched(mention.name, held[mention.external_id])
        candidates = self._candidates(mention.name)
        exact = [match for match in candidates if match[2] <= EXACT]
        if len(exact) == 1:
            return self._matched(mention.name, exact[0][0], exact[0][1])
        if not mention.create:
            self.report.unmatched[mention.name] = [name for _, name, _ in candidates]
            return None
        if len(exact) > 1 or candidates:
            self.report.ambiguous[mention.name] = [name for _, name, _ in exact or candidates]
            raise BadRow(f"actor {mention.name!r} is ambiguous: pin it in a mapping file")
        return self._created(mention)

    def _candidates(self, name: str) -> list[tuple[uuid.UUID, str, int]]:
        """Matches of the name, or, for a dated name, of the name without its years; numbers
        do not sound alike (Brigade 28 is not Brigade 228)."""
        found = best_matches(self.session, name)
        dated = DATED_NAME.match(name)
        if dated and not any(score <= EXACT for _, _, score in found):
            found = best_matches(self.session, dated["name"])
            name = dated["name"]
        return [match for match in found
                if match[2] < SOUND_ALIKE or _digits(match[1]) == _digits(name)]  # fmt: skip

    def _pinned(self, name: str, actor: str) -> uuid.UUID:
        try:
            actor_id = uuid.UUID(actor)
        except ValueError:
            raise BadRow(f"the mapping file pins {name!r} to {actor!r}, not an actor id") from None
        try:
            shown = self.actors.read(actor_id)  # a live actor: a deleted one is pinned to no one
        except NotFound:
            raise BadRow(
                f"the mapping file pins {name!r} to {actor_id}, which is no actor"
            ) from None
        return self._matched(name, actor_id, shown["name"])

    def _matched(self, name: str, actor_id: uuid.UUID, actor_name: str | None = None) -> uuid.UUID:
        shown = actor_name or self.actors.read(actor_id)["name"]
        self.report.matched[name] = {"actor_id": str(actor_id), "actor_name": shown}
        return actor_id

    def _created(self, mention: Mention) -> uuid.UUID:
        body = new_actor(mention)
        created = self.actors.create(ActorCreate.model_validate(body))
        self.report.created[mention.name] = {"actor_id": created["id"], "kind": mention.kind}
        return uuid.UUID(created["id"])


def new_actor(mention: Mention) -> dict[str, Any]:
    """A new actor for a name no actor goes by: a dated name ("... (2000-2024)") is named
    without its years and keeps the whole spelling as an alias valid for them."""
    body: dict[str, Any] = {"name": mention.name, "kind": mention.kind}
    if mention.external_id is not None:
        body["external_ids"] = dict([mention.external_id])
    dated = DATED_NAME.match(mention.name)
    if dated:
        start = date(int(dated["start"]), 1, 1).isoformat()
        end = dated["end"] and date(int(dated["end"]), 12, 31).isoformat()
        alias = {"name": mention.name, "kind": "former_name" if end else "alias",
                 "valid_from": start, "valid_to": end}  # fmt: skip
        body |= {"name": dated["name"], "aliases": [alias]}
    return body
