"""Browser tests: the portal served by a real WSGI server in a thread, driven by Debian's Chromium.

Every page a test opens is watched: a console error (CSP violations are reported there), an uncaught script
error or a request to anything but the test server fails the test.
"""
import os
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

CHROMIUM = "/usr/lib/chromium/chromium"
LOCAL_HOST = "127.0.0.1"
LOCAL_SCHEMES = {"data", "blob", "about"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 # No name but the test server's resolves, so a request elsewhere never leaves the machine; each one
                 # is also noted (``page``), failing the test. (Intercepting requests to block them instead would
                 # stop every request of every page for the test process to answer, and turn off the browser's cache.)
                 f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {LOCAL_HOST}"]
# Screenshots for people to look at are taken only when this names a folder (`PORTAL_TEST_SHOTS=/tmp/shots make
# test`): each costs a full render, and no test reads them.
SHOTS = os.environ.get("PORTAL_TEST_SHOTS", "")


@pytest.fixture
def app_config() -> dict:
    """The browser uses real CSRF tokens: forms carry them and htmx sends X-CSRFToken."""
    return {"WTF_CSRF_ENABLED": True}


def _whole_bodies(app):
    """The app with each response read whole and closed before it is sent: when the browser moves on while a file
    (a stylesheet, a download) is still being sent, Werkzeug's development server drops the response without
    closing it, and the open file's ResourceWarning would fail whichever test runs next."""
    def whole(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()
    return whole


@pytest.fixture
def live_server(app):
    """The test's app on 127.0.0.1 and a free port; the server thread's requests push their own contexts."""
    server = make_server(LOCAL_HOST, 0, _whole_bodies(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: browser tests need Debian's chromium (`make chromium` or "
                    f"`apt-get install chromium`).", pytrace=False)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@dataclass
class PageProblems:
    """What went wrong on a test's pages; ``allow`` takes substrings of console errors a test expects."""

    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def allow(self, fragment: str) -> None:
        self.allowed.append(fragment)

    def report(self) -> list[str]:
        console = [m for m in self.console if not any(a in m for a in self.allowed)]
        return ([f"console error: {m}" for m in console] + [f"page error: {m}" for m in self.page_errors]
                + [f"external request blocked: {u}" for u in self.external])


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1366, "height": 850})
    context.set_default_timeout(5000)
    problems = PageProblems()

    def note_elsewhere(sent):
        url = urlsplit(sent.url)
        if url.scheme not in LOCAL_SCHEMES and url.hostname != LOCAL_HOST:
            problems.external.append(sent.url)

    def console(message):
        if message.type == "error":
            location = message.location or {}
            problems.console.append(f"{message.text} ({location.get('url', '')})")

    context.on("request", note_elsewhere)
    page = context.new_page()
    page.on("console", console)
    page.on("pageerror", lambda error: problems.page_errors.append(error.stack or str(error)))
    page.problems = problems
    request.node.e2e_page = page
    try:
        yield page
    finally:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail the test itself (not its teardown) when one of its pages logged an error or reached outside."""
    result = yield
    page = getattr(item, "e2e_page", None)
    if page is not None and not page.is_closed():
        page.evaluate("0")  # let events still in flight arrive
        problems = page.problems.report()
        if problems:
            pytest.fail("Browser problems on the test's pages:\n" + "\n".join(problems), pytrace=False)
    return result


def snap(target, name: str) -> None:
    """Save a screenshot of a page (all of it) or of one locator to $PORTAL_TEST_SHOTS/<name>.png, when that is set;
    the caret is hidden so that two runs of the same page give the same picture."""
    if not SHOTS:
        return
    os.makedirs(SHOTS, exist_ok=True)
    options = {"full_page": True} if isinstance(target, Page) else {}
    target.screenshot(path=os.path.join(SHOTS, f"{name}.png"), caret="initial", **options)


@pytest.fixture
def shot(page):
    """``snap`` bound to the test's page."""
    return lambda name: snap(page, name)


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the form as a user would: type, press Enter, land on the home page (a deputy: on their
    workspace; an administrator without a business role: on their duty's first page)."""
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_label("密码").press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path in ("/", "/workspace/") or urlsplit(url).path.startswith("/admin/"))
