import logging
import tempfile
import uuid
from functools import cache
from pathlib import Path
from typing import Annotated

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, BackgroundTasks, Query, Request, Response, status
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect

from app.api.access import Writer
from app.api.links import public_link
from app.api.openapi import header_refs
from app.core.database import Database, SessionDep
from app.core.errors import BadRequest, NotFound, Unprocessable, problem_responses
from app.imports.repository import job
from app.imports.schemas import ImportJobRead, ImportRequest
from app.imports.service import run_job, submit

logger = logging.getLogger(__name__)
router = APIRouter(tags=["imports"], responses=problem_responses(401, 403, 422, 500, 503))


@router.post("/v1/imports", status_code=status.HTTP_202_ACCEPTED, operation_id="create_import",
             summary="Import a dataset's file", response_model=ImportJobRead,
             responses={**problem_responses(400, 413), 202: {"headers": header_refs("Location")}},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "text/csv": {"schema": {"type": "string", "minLength": 1}}}}})  # fmt: skip
async def create_import(
    request: Request,
    query: Annotated[ImportRequest, Query()],
    session: SessionDep,
    who: Writer,
    background: BackgroundTasks,
) -> Response:
    """The body is the file (CSV, UTF-8), as the dataset publishes it: answered at once with
    the job, run in the background; `GET` its `Location` for its progress and report."""
    path, size = await _received(request)
    try:
        queued = await to_thread.run_sync(submit, session, query, size, who.name)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    shown = ImportJobRead.model_validate(queued).model_dump(mode="json")
    database: Database = request.app.state.database
    background.add_task(_in_background, database, queued.id, path, query.pins())
    return JSONResponse(shown, 202, {"Location": public_link(request, f"/v1/imports/{queued.id}")})


@router.get("/v1/imports/{job_id}", operation_id="read_import", summary="Read an import",
            responses=problem_responses(404))  # fmt: skip
def read_import(job_id: uuid.UUID, session: SessionDep, _: Writer) -> ImportJobRead:
    """An import's state: queued, running (`rows` read so far), succeeded or failed, and once
    finished its report."""
    found = job(session, job_id)
    if found is None:
        raise NotFound(f"No import with id {job_id}.")
    return ImportJobRead.model_validate(found)


async def _in_background(
    database: Database, job_id: uuid.UUID, path: Path, pins: dict[str, str]
) -> None:
    """Run the job on a thread of its own, not one of the few that answer requests (app.main).
    Its response is long sent: what goes wrong is the job's to say, and the log's."""
    try:
        await to_thread.run_sync(run_job, database, job_id, path, pins, limiter=_one_at_a_time())
    except Exception:
        logger.exception("import %s stopped", job_id)
    finally:
        path.unlink(missing_ok=True)


@cache
def _one_at_a_time() -> CapacityLimiter:
    """A worker's imports run one after the other: each holds a connection (on SQLite, the
    write lock) for its whole run; the next waits its turn, queued."""
    return CapacityLimiter(1)


async def _received(request: Request) -> tuple[Path, int]:
    """The body, written to a file as it arrives (an import may be far larger than memory);
    the file goes if the request fails (the background job removes it otherwise)."""
    handle, name = tempfile.mkstemp(prefix="syria-import-", suffix=".csv")
    size = 0
    try:
        with open(handle, "wb") as spooled:
            async for chunk in request.stream():
                size += len(chunk)
                await to_thread.run_sync(spooled.write, chunk)
        if size == 0:
            raise Unprocessable.at(["body"], "send the file as the request body", "missing")
    except BaseException as exc:
        Path(name).unlink()
        if isinstance(exc, ClientDisconnect):
            # Over IMPORT_MAX_BYTES, the body limit has cut the body off and answers 413 itself.
            raise BadRequest("The request body ended before it was complete.") from None
        raise
    return Path(name), size
