"""How pages show dates: one style everywhere ("Nov 30, 2026", "Nov 30, 2026, 14:05").

Django's own English style ("Nov. 30, 2026, 2:05 p.m.") is replaced; the formats a
form accepts are left as Django's (ISO dates first).
"""

DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y, H:i"
