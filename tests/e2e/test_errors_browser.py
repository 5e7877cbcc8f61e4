"""A failed htmx request says so where the user is: the quick reception form's upload over the request cap and a
lost connection each show a Chinese message above the form, and a later success clears it."""
import pytest
from playwright.sync_api import expect

from portal.auth.models import Role
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": True, "MAX_CONTENT_LENGTH": 1024 * 1024}  # a small cap, quickly exceeded


def test_failed_htmx_requests_show_an_error_above_the_form(page, make_user):
    liaison = make_user(Role.LIAISON)
    make_user(Role.LEADER, display_name="周院长")
    for expected in ("413", "htmx:responseError", "ERR_FAILED", "htmx:sendError", "htmx:afterRequest",
                     "status of 422"):
        page.problems.allow(expected)  # the browser logs each failed request, htmx each failure event
    log_in(page, liaison.username)
    page.goto("/reception/")
    form = page.locator("#reception_form form")
    form.locator("input[type=file]").set_input_files(
        {"name": "扫描件.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4" + b"0" * (1536 * 1024)})
    form.get_by_role("button", name="保存登记").click()
    alert = page.locator("#request-error")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("提交的内容超过 1 MB 的上限，未能保存")
    assert page.evaluate("document.getElementById('request-error').nextElementSibling.tagName") == "FORM"

    form.locator("input[type=file]").set_input_files([])
    page.route("**/reception/new?quick=1", lambda route: route.abort())
    form.get_by_role("button", name="保存登记").click()
    expect(alert).to_contain_text("无法连接服务器，操作未完成")

    page.unroute("**/reception/new?quick=1")
    form.get_by_role("button", name="保存登记").click()  # answered with the form and its messages (422)
    expect(page.locator("#reception_form .invalid-feedback").first).to_be_visible()
    expect(alert).to_have_count(0)
