"""The explorer: a page at `/` where a journalist finds incidents by actor, place, date, type
or words, pages through them and downloads what they found, without typing a URL. It is a
client of the public API like any other (static files, no framework, nothing from elsewhere)."""

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
# The page runs its own script and style and calls this service; nothing else.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

router = APIRouter(include_in_schema=False)


@router.get("/")
def explorer() -> FileResponse:
    return FileResponse(STATIC / "index.html", headers={"Content-Security-Policy": PAGE_POLICY})


# The page's script and style, at /explorer/.
assets = StaticFiles(directory=STATIC)
