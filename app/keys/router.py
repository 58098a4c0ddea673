from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from fastapi.responses import JSONResponse

from app.api.access import Administrator
from app.api.writes import WriteRoute
from app.core.database import SessionDep
from app.core.errors import problem_responses
from app.keys.schemas import PREFIX_PATTERN, KeyCreate, KeyCreated, KeyRead
from app.keys.service import create_key, list_keys, revoke_key

router = APIRouter(
    route_class=WriteRoute,
    tags=["keys"],
    responses=problem_responses(400, 401, 403, 413, 422, 500, 503),
)


@router.get("/v1/keys", operation_id="list_keys", summary="List API keys")
def list_api_keys(session: SessionDep, _: Administrator) -> list[KeyRead]:
    """Every key, revoked ones included; tokens are never shown again."""
    return [KeyRead.model_validate(key) for key in list_keys(session)]


@router.post("/v1/keys", status_code=status.HTTP_201_CREATED, operation_id="create_key",
             summary="Create an API key", response_model=KeyCreated,
             responses=problem_responses(409))  # fmt: skip
def create_api_key(body: KeyCreate, session: SessionDep, _: Administrator) -> Response:
    """A new key; its `token` is in this response only."""
    key, token = create_key(session, body)
    shown = {**KeyRead.model_validate(key).model_dump(mode="json"), "token": token}
    # The token is in no cache, ever: this response is the only place it appears.
    return JSONResponse(shown, 201, {"Cache-Control": "no-store"})


@router.delete("/v1/keys/{prefix}", status_code=status.HTTP_204_NO_CONTENT,
               operation_id="revoke_key", summary="Revoke an API key",
               responses=problem_responses(404, 409))  # fmt: skip
def revoke_api_key(
    prefix: Annotated[str, Path(pattern=PREFIX_PATTERN)], session: SessionDep, _: Administrator
) -> Response:
    """Revoke the key with this prefix (as lists show it); it stops working at once."""
    revoke_key(session, prefix=prefix)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
