"""Serving a stored upload (an attachment, a receipt, a letter for the court) to someone a view has let in."""

from __future__ import annotations

import uuid

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def private_path(folder: str) -> str:
    """Where an upload is stored: under private/ (never served as media) with a random name, never the uploaded one
    (it could guess paths or collide); the name the family gave is kept in a column."""
    return f"private/{folder}/{uuid.uuid4().hex}"


def private_file_response(stored: FieldFile, *, name: str, content_type: str) -> FileResponse:
    """The file, under the name it was uploaded with; a PDF downloads rather than opens in the page.

    Never cached on the way, and sandboxed: a file that is not what it says cannot run as a page of the portal."""
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None  # the row outlived its file (a restore without the media volume)
    content_type = content_type or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type, as_attachment=content_type == "application/pdf", filename=name)
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
