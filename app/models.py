"""Every table, imported once so the metadata (and Alembic) sees the whole schema."""

from app.actors.models import Actor, ActorAlias, Affiliation
from app.api.idempotency import IdempotentRequest
from app.core.changelog import Change
from app.core.database import Base
from app.imports.models import ImportJob
from app.incidents.models import CasualtyCount, Incident, IncidentActor
from app.keys.models import ApiKey
from app.negotiations.models import (
    Agreement,
    AgreementActor,
    NegotiationProcess,
    NegotiationSession,
    Participant,
)
from app.sources.models import Source, SourceLink
from app.statements.models import Statement, StatementTarget, StatementTopic

__all__ = [
    "Actor",
    "ActorAlias",
    "Affiliation",
    "Agreement",
    "AgreementActor",
    "ApiKey",
    "Base",
    "CasualtyCount",
    "Change",
    "IdempotentRequest",
    "ImportJob",
    "Incident",
    "IncidentActor",
    "NegotiationProcess",
    "NegotiationSession",
    "Participant",
    "Source",
    "SourceLink",
    "Statement",
    "StatementTarget",
    "StatementTopic",
]
