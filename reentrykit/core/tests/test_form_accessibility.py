"""Hints and errors reach screen readers: every aria-describedby names elements on the
page, each field's names exactly its shown hint and its error, and the error summary
links land on the field."""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest
from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.template import engines

from reentrykit.accounts.forms import SignUpForm
from reentrykit.core.forms import UswdsForm
from reentrykit.data.forms import MappingForm
from reentrykit.data.schema import RECORD_TYPES, Kind
from reentrykit.planning.forms import StakeholderForm
from reentrykit.testing import World

FORM_PAGE = engines["django"].from_string(
    '{% include "includes/form_errors.html" %}'
    '<form>{% for field in form %}{% include "includes/field.html" %}{% endfor %}</form>'
)


class SampleForm(UswdsForm):
    """One field of each kind the field template draws differently."""

    name = forms.CharField(max_length=5, help_text="Five letters at most.")
    colour = forms.ChoiceField(
        choices=[("red", "Red"), ("blue", "Blue")],
        widget=forms.RadioSelect,
        help_text="Pick one.",
    )
    sizes = forms.MultipleChoiceField(
        choices=[("s", "Small"), ("l", "Large")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Pick any.",
    )
    agree = forms.BooleanField(help_text="You must agree.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Added after the base class has set its widgets up, as many forms do.
        self.fields["late"] = forms.IntegerField(help_text="A whole number.")


def _sample(world: World) -> forms.BaseForm:
    return SampleForm(data={"name": "far too long", "late": "x"})


def _sign_up(world: World) -> forms.BaseForm:
    return SignUpForm(data={"password1": "short", "password2": "short"}, email="a@b.test")


def _password_change(world: World) -> forms.BaseForm:
    # Django's own form, not a UswdsForm: its hint is the password rules.
    data = {"old_password": "wrong", "new_password1": "x", "new_password2": "y"}
    return PasswordChangeForm(world.member, data=data)


def _mapping(world: World) -> forms.BaseForm:
    # Its column and code fields are all added in __init__.
    return MappingForm(
        data={"val__sex": "no equals sign", "date_format": ""},
        record_type=RECORD_TYPES[Kind.RELEASES],
        headers=("pid", "released"),
        suggestions={},
    )


def _stakeholder(world: World) -> forms.BaseForm:
    return StakeholderForm(data={"name": "Sheriff"}, coalition=world.coalition)


FORMS = [_sample, _sign_up, _password_change, _mapping, _stakeholder]


def _described(doc: Any, field: forms.BoundField) -> Any:
    """The element whose aria-describedby describes the field: the fieldset around a
    list of options, else the input."""
    if field.field.widget.use_fieldset:
        return doc.get_element_by_id(field.auto_id)
    return doc.xpath(f"//*[@name='{field.html_name}']")[0]


def _dangling(doc: Any) -> list[tuple[str, str]]:
    return [
        (element.get("name") or element.tag, ref)
        for element in doc.xpath("//*[@aria-describedby]")
        for ref in element.get("aria-describedby").split()
        if not doc.xpath(f"//*[@id='{ref}']")
    ]


@pytest.mark.parametrize("build", FORMS, ids=lambda build: build.__name__.strip("_"))
def test_it_describes_each_field_by_exactly_its_hint_and_error(world: World, build) -> None:  # type: ignore[no-untyped-def]
    form = build(world)
    assert form.errors  # the point is a form with errors
    doc = lxml.html.fromstring(FORM_PAGE.render({"form": form}))

    assert _dangling(doc) == []
    for field in form:
        expected = []
        if field.help_text:
            expected.append(doc.xpath(f"//*[@id='{field.auto_id}_helptext']")[0].get("id"))
        if field.errors:
            error = doc.get_element_by_id(f"{field.auto_id}_error")
            assert str(field.errors[0]) in error.text_content()
            expected.append(error.get("id"))
        refs = (_described(doc, field).get("aria-describedby") or "").split()
        assert refs == expected, field.name


def test_it_refers_the_hint_of_a_field_without_errors(world: World) -> None:
    doc = lxml.html.fromstring(FORM_PAGE.render({"form": SampleForm()}))
    assert doc.xpath("//input[@name='late']")[0].get("aria-describedby") == "id_late_helptext"
    assert doc.get_element_by_id("id_colour").get("aria-describedby") == "id_colour_helptext"
    assert _dangling(doc) == []


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/c/riverton/plan/buy-in/", {"name": "Sheriff"}),
        ("/accounts/password/", {"old_password": "wrong", "new_password1": "x"}),
    ],
)
def test_the_pages_refer_only_to_elements_they_hold(
    world: World,
    signed_in,  # type: ignore[no-untyped-def]
    path: str,
    data: dict[str, str],
) -> None:
    response = signed_in(world.coordinator).post(path, data)
    doc = lxml.html.fromstring(response.content)
    assert doc.get_element_by_id("error-summary") is not None
    assert doc.xpath("//*[@aria-invalid='true']")
    assert _dangling(doc) == []


def test_the_error_summary_links_land_on_each_field(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.coordinator).post("/c/riverton/plan/buy-in/", {"name": "Sheriff"})
    doc = lxml.html.fromstring(response.content)
    links = doc.xpath("//*[@id='error-summary']//a/@href")
    # power and interest are radio buttons: their link is to the first one.
    assert links == ["#id_power_0", "#id_interest_0", "#id_stance"]
    for link in links:
        assert doc.xpath(f"//input[@id='{link[1:]}'] | //select[@id='{link[1:]}']")


def test_the_error_summary_links_a_checkbox_list_to_its_first_box() -> None:
    doc = lxml.html.fromstring(FORM_PAGE.render({"form": SampleForm(data={})}))
    links = doc.xpath("//*[@id='error-summary']//a/@href")
    assert "#" not in links
    assert "#id_sizes_0" in links and "#id_colour_0" in links
    for link in links:
        assert doc.xpath(f"//*[@id='{link[1:]}']"), link


def test_the_practice_search_shows_the_error_its_filter_refers_to(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.coordinator).get("/c/riverton/library/practices/?rating=bogus")
    doc = lxml.html.fromstring(response.content)
    assert doc.xpath("//select[@name='rating']/@aria-describedby") == ["id_rating_error"]
    assert "valid choice" in doc.get_element_by_id("id_rating_error").text_content()
    assert _dangling(doc) == []
