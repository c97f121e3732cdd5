"""A system check: every instrument file must load, so a broken one fails at startup."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from reentrykit.assessment.instrument import check_all_instruments


@register()
def instrument_files_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return [
        Error(problem, hint="Fix the instrument file.", id="assessment.E001")
        for problem in check_all_instruments()
    ]
