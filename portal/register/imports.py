"""Holding an uploaded register spreadsheet between its preview and the confirmed import."""
import re
import time

from werkzeug.datastructures import FileStorage

from portal.errors import ServiceError
from portal.uploads import check_upload, store, stored_path, upload_dir

AREA = "imports"
MAX_BYTES = 5 * 1024 * 1024
MAX_AGE_SECONDS = 24 * 3600


def store_upload(upload: FileStorage | None) -> str:
    """Keep an uploaded spreadsheet until it is confirmed; its token. ServiceError when it is not an .xlsx file
    within the size limit."""
    problem = check_upload(upload, (".xlsx",), MAX_BYTES)
    if problem:
        raise ServiceError(problem)
    _discard_stale()
    return store(upload, AREA).removesuffix(".xlsx")


def read_upload(token: str) -> bytes | None:
    if not re.fullmatch(r"[0-9a-f]{32}", token):
        return None
    path = stored_path(AREA, token + ".xlsx")
    return path.read_bytes() if path else None


def claim_upload(token: str) -> bytes | None:
    """Read the upload and take it away in one step, so a double-submitted confirmation imports once."""
    path = stored_path(AREA, token + ".xlsx") if re.fullmatch(r"[0-9a-f]{32}", token) else None
    if path is None:
        return None
    claimed = path.with_suffix(".claimed")
    try:
        path.rename(claimed)  # atomic: only one request wins
    except FileNotFoundError:
        return None
    data = claimed.read_bytes()
    claimed.unlink(missing_ok=True)
    return data


def discard_upload(token: str) -> None:
    path = stored_path(AREA, token + ".xlsx") if re.fullmatch(r"[0-9a-f]{32}", token) else None
    if path:
        path.unlink(missing_ok=True)


def _discard_stale() -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in upload_dir(AREA).glob("*.xlsx"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
