"""Exports open safely in spreadsheets and Word, whatever text was typed or pasted."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from reentrykit.core.exports import csv_text, xlsx_bytes, xml_text


def test_xml_text_keeps_breaks_and_drops_what_xml_cannot_hold() -> None:
    assert xml_text("a\x0bb\x0cc\td\ne\rf") == "a\nb\nc\td\ne\rf"
    assert xml_text("bell\x07 nul\x00 esc\x1b \ufffe\uffff ok é") == "bell nul esc  ok é"


def test_a_workbook_takes_pasted_control_characters_and_never_makes_formulas() -> None:
    content = xlsx_bytes(
        {"Services": (["Name", "Beds"], [["Bridge\x0bhousing\x01", 30], ["=1+1", 2]])}
    )
    rows = list(load_workbook(io.BytesIO(content)).active.values)
    assert rows == [("Name", "Beds"), ("Bridge\nhousing", 30), ("'=1+1", 2)]
    # CSV carries any character, and guards formulas the same way.
    assert csv_text(["Name"], [["=1+1"]]) == "Name\r\n'=1+1\r\n"
