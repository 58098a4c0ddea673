"""The statement types: a CAMEO-like code list, published at `/v1/statement-types`.

Codes nest as in CAMEO (`accuse` is a kind of `disapprove`), so a filter on a code can take in
its sub-codes.
"""

from dataclasses import dataclass
from typing import Literal

# Every code, in alphabetical order (a test holds it to the table below).
StatementTypeCode = Literal[
    "accuse", "appeal", "claim_responsibility", "consult", "cooperate", "criticize",
    "decline_comment", "demand", "deny", "disapprove", "empathetic_comment", "express_intent",
    "optimistic_comment", "pessimistic_comment", "praise", "protest", "refuse_talks", "reject",
    "statement", "threaten",
]  # fmt: skip


@dataclass(frozen=True)
class StatementType:
    code: StatementTypeCode
    label: str
    cameo: str
    parent: StatementTypeCode | None = None


STATEMENT_TYPES: tuple[StatementType, ...] = (
    StatementType("statement", "Make public statement", "01"),
    StatementType("decline_comment", "Decline comment", "011", "statement"),
    StatementType("pessimistic_comment", "Make pessimistic comment", "012", "statement"),
    StatementType("optimistic_comment", "Make optimistic comment", "013", "statement"),
    StatementType("claim_responsibility", "Claim responsibility", "015", "statement"),
    StatementType("deny", "Deny responsibility or an accusation", "016", "statement"),
    StatementType("empathetic_comment", "Make empathetic comment", "018", "statement"),
    StatementType("appeal", "Appeal", "02"),
    StatementType("express_intent", "Express intent to cooperate or act", "03"),
    StatementType("consult", "Consult or meet", "04"),
    StatementType("cooperate", "Engage in diplomatic cooperation", "05"),
    StatementType("praise", "Praise or endorse", "051", "cooperate"),
    StatementType("demand", "Demand", "10"),
    StatementType("disapprove", "Disapprove", "11"),
    StatementType("criticize", "Criticize or denounce", "111", "disapprove"),
    StatementType("accuse", "Accuse", "112", "disapprove"),
    StatementType("reject", "Reject", "12"),
    StatementType("refuse_talks", "Refuse to meet or negotiate", "125", "reject"),
    StatementType("threaten", "Threaten", "13"),
    StatementType("protest", "Protest", "14"),
)


def with_sub_codes(codes: list[StatementTypeCode]) -> list[StatementTypeCode]:
    """The codes and every code nested below them (`disapprove` takes in `accuse`)."""
    found: set[StatementTypeCode] = set(codes)
    while True:
        more = {item.code for item in STATEMENT_TYPES if item.parent in found} - found
        if not more:
            return sorted(found)
        found |= more
