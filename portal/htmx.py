"""One route, one template: the whole page for a normal request, one named block for the htmx element that asked."""
from flask import Response, make_response, render_template, request
from jinja2_fragments.flask import render_block


def is_partial(target: str) -> bool:
    """True when htmx asked to swap the element with id ``target``.

    Boosted links and history restores also send ``HX-Request``; they need the whole page.
    """
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Target") == target
        and request.headers.get("HX-History-Restore-Request") != "true"
        and request.headers.get("HX-Boosted") != "true"
    )


def render(template: str, *, block: str, target: str | None = None, **context) -> Response:
    """Render ``block`` of ``template`` when the element ``target`` (default: the block's name) asked, else the page."""
    if is_partial(target or block):
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body)
    response.vary.add("HX-Request")
    response.vary.add("HX-Target")
    return response


def hx_redirect(url: str) -> Response:
    """Send the browser to ``url``: a full navigation for htmx requests, a 303 otherwise."""
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    response = make_response("", 303)
    response.headers["Location"] = url
    return response
