"""The court's clock: at 17:00 UTC it is already tomorrow in Beijing, and the portal must say so."""
from datetime import date, datetime, timezone

import time_machine

from portal import clock

EVENING_UTC = datetime(2026, 3, 1, 17, 0, tzinfo=timezone.utc)  # 2026-03-02 01:00 in Beijing


def test_today_is_the_courts_date_not_the_servers(app):
    with time_machine.travel(EVENING_UTC, tick=False):
        assert clock.today() == date(2026, 3, 2)
        assert clock.local_now().hour == 1


def test_the_time_zone_is_a_setting(app):
    app.config["TIME_ZONE"] = "UTC"
    with time_machine.travel(EVENING_UTC, tick=False):
        assert clock.today() == date(2026, 3, 1)


def test_day_boundaries_are_the_courts(app):
    start = clock.start_of_day(date(2026, 3, 2))
    assert start == datetime(2026, 3, 1, 16, 0, tzinfo=timezone.utc)
    assert clock.local_date(datetime(2026, 3, 1, 16, 30, tzinfo=timezone.utc)) == date(2026, 3, 2)
    assert clock.from_local(datetime(2026, 3, 2, 0, 30)) == datetime(2026, 3, 1, 16, 30, tzinfo=timezone.utc)


def test_documents_and_file_names_carry_the_courts_date(app, client, login_as):
    with time_machine.travel(EVENING_UTC, tick=True):
        login_as("liaison")
        response = client.get("/register/export.docx")
    assert response.status_code == 200
    assert "20260302" in response.headers["Content-Disposition"]


def test_nothing_in_the_portal_reads_the_servers_date():
    """Every "today" comes from portal.clock; a stray date.today() would be wrong after 16:00 UTC."""
    import pathlib
    import re

    stray = [f"{p}:{n}" for p in pathlib.Path("portal").rglob("*.py") if p.name != "clock.py"
             for n, line in enumerate(p.read_text().splitlines(), 1)
             if re.search(r"date\.today\(|datetime\.now\(\)|datetime\.utcnow|\.today\b(?!\()", line)
             and "clock.today" not in line]
    assert stray == []
