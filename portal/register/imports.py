"""Holding an uploaded register spreadsheet between its preview and the confirmed import."""
import re

from werkzeug.datastructures import FileStorage

from portal import uploads
from portal.errors import ServiceError
from portal.uploads import check_upload

AREA = "imports"
MAX_BYTES = 5 * 1024 * 1024
MAX_AGE_SECONDS = 24 * 3600


def store_upload(upload: FileStorage | None) -> str:
    """Keep an uploaded spreadsheet until it is confirmed; its token. ServiceError when it is not an .xlsx file
    within the size limit."""
    problem = check_upload(upload, (".xlsx",), MAX_BYTES)
    if problem:
        raise ServiceError(problem)
    uploads.remove_older(AREA, MAX_AGE_SECONDS)
    return uploads.store(upload, AREA).removesuffix(".xlsx")


def _name(token: str) -> str | None:
    return token + ".xlsx" if re.fullmatch(r"[0-9a-f]{32}", token) else None


def read_upload(token: str) -> bytes | None:
    name = _name(token)
    return uploads.read(AREA, name) if name else None


def claim_upload(token: str) -> bytes | None:
    """Read the upload and take it away in one step, so a double-submitted confirmation imports once."""
    name = _name(token)
    return uploads.claim(AREA, name) if name else None


def discard_upload(token: str) -> None:
    if name := _name(token):
        uploads.remove(AREA, name)
