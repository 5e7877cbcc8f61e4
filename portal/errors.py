"""The one error a service raises: what went wrong in Chinese, the fields to fix, and the answer's status.

Services never call ``abort()``. A route that shows a form catches ``ServiceError`` and renders the form again with
``errors`` beside the fields and what was typed; anything a route does not catch becomes the error page with the
error's message and status (``init_app``), and the request's changes roll back.
"""
from flask import Flask, render_template


class ServiceError(Exception):
    """A step the rules do not allow now. ``errors`` maps form fields to what is wrong with each."""

    status = 422

    def __init__(self, message: str, errors: dict[str, str] | None = None, *, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        if status is not None:
            self.status = status


class NotFound(ServiceError):
    """No such record, or one outside what the user may see (which must look the same)."""

    status = 404

    def __init__(self, message: str = "页面或记录不存在。"):
        super().__init__(message)


class Forbidden(ServiceError):
    status = 403

    def __init__(self, message: str = "您没有权限访问此页面。", errors: dict[str, str] | None = None):
        super().__init__(message, errors)


def init_app(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        return render_template("error.html", code=error.status, message=error.message), error.status
