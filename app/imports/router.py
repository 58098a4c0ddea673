import logging
import tempfile
import uuid
from pathlib import Path
from typing import Annotated

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, BackgroundTasks, Query, Request, Response, status
from fastapi.responses import JSONResponse

from app.api.access import Writer
from app.core.database import Database, SessionDep
from app.core.errors import NotFound, Unprocessable, problem_responses
from app.imports.repository import job
from app.imports.schemas import ImportJobRead, ImportRequest
from app.imports.service import run_job, submit

logger = logging.getLogger(__name__)
router = APIRouter(tags=["imports"], responses=problem_responses(401, 403, 422, 500, 503))


@router.post("/v1/imports", status_code=status.HTTP_202_ACCEPTED, operation_id="create_import",
             summary="Import a dataset's file", response_model=ImportJobRead,
             responses=problem_responses(413),
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
    queued = await to_thread.run_sync(submit, session, query, size, who.name)
    shown = ImportJobRead.model_validate(queued).model_dump(mode="json")
    database: Database = request.app.state.database
    background.add_task(_in_background, database, queued.id, path, query.pins())
    return JSONResponse(shown, 202, {"Location": f"/v1/imports/{queued.id}"})


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
        await to_thread.run_sync(run_job, database, job_id, path, pins, limiter=CapacityLimiter(1))
    except Exception:
        logger.exception("import %s stopped", job_id)


async def _received(request: Request) -> tuple[Path, int]:
    """The body, written to a file as it arrives (an import may be far larger than memory)."""
    handle, name = tempfile.mkstemp(prefix="syria-import-", suffix=".csv")
    size = 0
    with open(handle, "wb") as spooled:
        async for chunk in request.stream():
            size += len(chunk)
            await to_thread.run_sync(spooled.write, chunk)
    if size == 0:
        Path(name).unlink()
        raise Unprocessable.at(["body"], "send the file as the request body", "missing")
    return Path(name), size
