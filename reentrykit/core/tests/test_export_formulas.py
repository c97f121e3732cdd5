"""A workbook never holds a formula, even for text that starts with a control
character: the characters XML cannot hold are dropped before the formula guard looks
at the text, not after it."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from reentrykit.assessment import services
from reentrykit.core.exports import xlsx_bytes
from reentrykit.testing import World

FORMULA = '=HYPERLINK("http://evil.example/","Open")'


def test_text_after_a_control_character_does_not_become_a_formula() -> None:
    content = xlsx_bytes({"Notes": (["note"], [["\x01" + FORMULA], ["\x1b" + FORMULA]])})
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [(cell.data_type, cell.value) for cell in cells] == [("s", "'" + FORMULA)] * 2


def test_a_note_typed_with_a_control_character_exports_as_text(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = services.round_open(coalition=world.coalition, name="Baseline")
    respondent = services.respondent_add(round_=round_, user=world.member)
    services.response_save(
        round_=round_, respondent=respondent, item_key="1.1.a", answer=2, note="\x01" + FORMULA
    )
    response = signed_in(world.coordinator).get(
        f"/c/riverton/assess/rounds/{round_.pk}/responses.xlsx"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    note = sheet.cell(row=2, column=header.index("note") + 1)
    assert note.data_type == "s" and note.value == "'" + FORMULA
