"""JSON responses rendered by orjson: a record or a page is plain JSON values already (see
app.core.shapes), and orjson writes them several times faster than the standard library."""

from typing import Any

import orjson
from fastapi.responses import JSONResponse


class JsonResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
