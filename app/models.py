"""Every table, imported once so the metadata (and Alembic) sees the whole schema."""

from app.actors.models import Actor, ActorAlias, Affiliation
from app.core.database import Base
from app.incidents.models import Incident, IncidentActor
from app.negotiations.models import (
    Agreement,
    AgreementActor,
    NegotiationProcess,
    NegotiationSession,
    Participant,
)
from app.sources.models import Source
from app.statements.models import Statement, StatementTarget, StatementTopic

__all__ = [
    "Actor",
    "ActorAlias",
    "Affiliation",
    "Agreement",
    "AgreementActor",
    "Base",
    "Incident",
    "IncidentActor",
    "NegotiationProcess",
    "NegotiationSession",
    "Participant",
    "Source",
    "Statement",
    "StatementTarget",
    "StatementTopic",
]
