"""Personal information shown only to those who need it (等保三级 个人信息保护): deputies' mobile numbers and
addresses are in full for the liaison office and for the deputy themselves, masked for everyone else.

One permission (``sees_personal_info``) and one pair of masks serve every page (the Jinja filters ``mobile`` and
``address``) and every export (``shown_mobile`` / ``shown_address`` while the file is built in the request).
"""
import re

from flask import has_request_context
from flask_login import current_user

from portal.auth.models import Role

MASK = "****"
# The administrative divisions kept of an address: province (or autonomous region), city, district or county.
_DIVISIONS = re.compile(r"^(?:.{1,12}?(?:省|自治区|特别行政区))?(?:.{1,12}?(?:市|自治州|地区|盟))?(?:.{1,12}?(?:区|县|市|旗))?")


def sees_personal_info(user=None) -> bool:
    """Whether ``user`` (default: whoever is logged in) sees mobiles and addresses in full: the liaison office,
    which rings and writes to deputies, and a deputy, whose pages show only their own. Leaders, handlers and
    administrators see them masked. Outside a request (the command line, run by the server's operator): in full."""
    if user is None:
        if not has_request_context():
            return True
        user = current_user
    return bool(getattr(user, "is_authenticated", False) and user.role in (Role.LIAISON, Role.DEPUTY))


def mask_mobile(value: str | None) -> str:
    """139****0001: the first three and the last four digits of a number long enough to hide the middle."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) < 8:
        return MASK
    return value[:3] + MASK + value[-4:]


def mask_address(value: str | None) -> str:
    """广西壮族自治区玉林市北流市**** : the province, city and district are kept, the street and number hidden."""
    value = (value or "").strip()
    if not value:
        return ""
    kept = _DIVISIONS.match(value).group(0)
    return kept + MASK if len(kept) < len(value) else kept


def shown_mobile(value: str | None, user=None) -> str:
    """The mobile as ``user`` (default: the logged-in user) may see it."""
    return (value or "") if sees_personal_info(user) else mask_mobile(value)


def shown_address(value: str | None, user=None) -> str:
    """The address as ``user`` (default: the logged-in user) may see it."""
    return (value or "") if sees_personal_info(user) else mask_address(value)


def register(app) -> None:
    """The Jinja filters: ``{{ deputy.mobile|mobile }}``, ``{{ deputy.address|address }}``; and ``sees_personal_info``
    for a ``tel:`` link that only makes sense with the whole number."""
    app.jinja_env.filters["mobile"] = shown_mobile
    app.jinja_env.filters["address"] = shown_address
    app.jinja_env.globals["sees_personal_info"] = sees_personal_info
