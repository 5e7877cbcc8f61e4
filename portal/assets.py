"""The static files (stylesheets, scripts, the icon): each URL carries a digest of the file's content (``?v=…``),
and a response to such a URL may be kept for a year.

A browser then asks for each file once per version instead of on every page (five requests a page, over a
phone's connection to the court's network), and a new release's files are fetched at once because their URLs
change with them.
"""
import hashlib
import os
from functools import lru_cache

from flask import Flask, request

YEAR_SECONDS = 365 * 24 * 3600


@lru_cache(maxsize=256)
def _digest(path: str, modified_ns: int) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]


def version(folder: str, filename: str) -> str:
    """The digest of a static file's content ("" for no such file); read again when the file changes."""
    path = os.path.join(folder, filename)
    try:
        return _digest(path, os.stat(path).st_mtime_ns)
    except OSError:
        return ""


def init_app(app: Flask) -> None:
    @app.url_defaults
    def versioned_static_urls(endpoint, values):
        if endpoint == "static" and "v" not in values and values.get("filename"):
            if digest := version(app.static_folder, values["filename"]):  # a missing file's URL stays bare
                values["v"] = digest

    @app.after_request
    def keep_versioned_static_files(response):
        if request.endpoint == "static" and response.status_code == 200 and \
                request.args.get("v") == version(app.static_folder, request.view_args["filename"]):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = YEAR_SECONDS
            response.cache_control.immutable = True
        return response
