"""Addresses the service hands out (`Link`, `Location`): under PUBLIC_URL when it is set,
else relative references. Never from the request's Host header, which the caller chooses
and a stored replay would repeat to others."""

from fastapi import Request


def public_link(request: Request, path: str, query: str = "") -> str:
    base = request.app.state.settings.public_url
    relative = f"{path}?{query}" if query else path
    return f"{base.rstrip('/')}{relative}" if base else relative
