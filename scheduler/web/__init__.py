"""HTTP (Starlette): feeds behind unguessable tokens, the public territory feed, health."""

from __future__ import annotations

from scheduler.web.app import create_app

__all__ = ["create_app"]
