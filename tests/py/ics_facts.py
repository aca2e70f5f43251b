"""Reads calendar files with Python's icalendar (a real RFC 5545 parser,
pinned in .ci/run) and prints what it understood, as JSON, for
tests/integration/calendars.rs to judge. It asserts nothing itself.

    python3 tests/py/ics_facts.py FILE...
"""
import json
import sys

import icalendar


def when(value):
    if value is None:
        return None
    dt = value.dt
    zone = getattr(getattr(dt, "tzinfo", None), "key", None) or (str(dt.tzinfo) if getattr(dt, "tzinfo", None) else None)
    return {"iso": dt.isoformat(), "zone": zone}


def facts(path):
    with open(path, "rb") as handle:
        calendar = icalendar.Calendar.from_ical(handle.read())
    events = []
    for event in calendar.walk("VEVENT"):
        events.append({
            "uid": str(event.get("UID")),
            "summary": str(event.get("SUMMARY")),
            "location": str(event.get("LOCATION")) if event.get("LOCATION") else None,
            "description": str(event.get("DESCRIPTION")) if event.get("DESCRIPTION") else None,
            "url": str(event.get("URL")) if event.get("URL") else None,
            "start": when(event.get("DTSTART")),
            "end": when(event.get("DTEND")),
            "stamp": when(event.get("DTSTAMP")),
        })
    zones = [str(zone.get("TZID")) for zone in calendar.walk("VTIMEZONE")]
    return {"name": str(calendar.get("X-WR-CALNAME")), "zones": zones, "events": events}


print(json.dumps({path: facts(path) for path in sys.argv[1:]}, ensure_ascii=False))
