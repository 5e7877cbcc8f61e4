"""Word documents in the GB/T 9704-2012 official-document layout.

`gbt9704` is the shared engine (page setup, styles, headings, tables, page numbers); every other module here
turns one plain data object into the bytes of one `.docx`.
"""

from io import BytesIO

from flask import send_file

from portal.uploads import content_disposition

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send_download(data: bytes, filename: str, mimetype: str = DOCX, *, audit: str | None = None):
    """Send a generated file (a document or a spreadsheet) as a download under ``filename``, which may carry
    names people typed (see portal.uploads.content_disposition).

    ``audit``: what personal information the file holds (``"代表委员名册"``); the download is then a security
    event in the audit trail, with who, when, from where, the file and the filter (the query string) it used.
    """
    if audit:
        from flask import request

        from portal import audit as trail

        trail.security("export", detail={"content": audit, "file": filename,
                                         "filter": request.query_string.decode(errors="replace")[:500]})
    response = send_file(BytesIO(data), mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response
