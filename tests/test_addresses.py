"""portal.addresses: an address built once per endpoint and set of argument names is the address url_for builds,
whatever the values; an address with its values in the path is left to url_for."""
import pytest
from flask import url_for

from portal.addresses import Addresses, address

VALUES = [1, 0, -3, "2025-01-01", "overdue", "张三", "a b", "a&b=c", "50%", "+1", "a/b?c", "#frag", "~._-", "", True]


@pytest.mark.parametrize("value", VALUES)
def test_a_query_value_is_quoted_as_url_for_quotes_it(app, value):
    with app.test_request_context():
        addresses = Addresses()
        for _ in range(2):  # the first builds the marked address, the second fills it in
            assert addresses("items.index", department=value, state="closed") == \
                url_for("items.index", department=value, state="closed")


def test_the_arguments_given_decide_the_address(app):
    with app.test_request_context():
        addresses = Addresses()
        assert addresses("items.index", kind=None, state="closed") == url_for("items.index", state="closed")
        assert addresses("items.index", state="closed", kind="letter") == \
            url_for("items.index", state="closed", kind="letter")
        assert addresses("items.index") == url_for("items.index")
        assert addresses("items.index", state=["a", "b"]) == url_for("items.index", state=["a", "b"])
        assert addresses("items.index", state="a", _anchor="x y") == url_for("items.index", state="a", _anchor="x y")
        assert addresses("items.index", _external=False) == "/items/"


def test_a_whole_number_goes_into_the_path_too(app):
    with app.test_request_context():
        addresses = Addresses()
        for item_id in (12, 13, 0, 7130000000000000):
            assert addresses("items.detail", item_id=item_id) == url_for("items.detail", item_id=item_id)
        assert addresses("items.act", item_id=5, action="close") == url_for("items.act", item_id=5, action="close")
        assert addresses("items.act", item_id=6, action="answer") == "/items/6/act/answer"


def test_an_address_with_text_or_a_negative_number_in_its_path_is_url_fors(app):
    with app.test_request_context():
        addresses = Addresses()
        assert addresses("items.detail", item_id="12") == url_for("items.detail", item_id="12")
        assert addresses("items.detail", item_id=-1) == url_for("items.detail", item_id=-1)
        assert addresses("items.detail", item_id=True) == url_for("items.detail", item_id=True)


def test_the_template_global_keeps_one_set_of_addresses_a_request(app):
    with app.test_request_context("/", base_url="http://localhost/portal"):  # the application under a prefix
        first = address("items.index", department=3)
        assert first == url_for("items.index", department=3) and first.startswith("/portal/items/")
        template = app.jinja_env.from_string("{{ address('items.index', department=d) }}")
        assert template.render(d="4") == "/portal/items/?department=4"
