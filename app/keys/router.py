from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from fastapi.responses import JSONResponse

from app.core.database import SessionDep
from app.core.errors import problem_responses
from app.keys.access import Administrator
from app.keys.schemas import PREFIX_PATTERN, KeyCreate, KeyCreated, KeyRead
from app.keys.service import create_key, list_keys, revoke_key

router = APIRouter(
    prefix="/v1/keys",
    tags=["keys"],
    responses=problem_responses(400, 401, 403, 413, 422, 500, 503),
)


@router.get("", operation_id="list_keys", summary="List API keys")
def list_api_keys(session: SessionDep, _: Administrator) -> list[KeyRead]:
    """Every key, revoked ones included; tokens are never shown again."""
    return [KeyRead.model_validate(key) for key in list_keys(session)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    operation_id="create_key",
    summary="Create an API key",
    responses=problem_responses(409),
)
def create_api_key(body: KeyCreate, session: SessionDep, _: Administrator) -> KeyCreated:
    """A new key; its `token` is in this response only."""
    key, token = create_key(session, body)
    session.commit()
    shown = {**KeyRead.model_validate(key).model_dump(mode="json"), "token": token}
    # The token is in no cache, ever: this response is the only place it appears.
    return JSONResponse(shown, 201, {"Cache-Control": "no-store"})  # type: ignore[return-value]


@router.delete(
    "/{prefix}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="revoke_key",
    summary="Revoke an API key",
    responses=problem_responses(404, 409),
)
def revoke_api_key(
    prefix: Annotated[str, Path(pattern=PREFIX_PATTERN)], session: SessionDep, _: Administrator
) -> Response:
    """Revoke the key with this prefix (as lists show it); it stops working at once."""
    revoke_key(session, prefix=prefix)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
