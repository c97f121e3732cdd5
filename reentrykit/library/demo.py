"""Demo practice library: a featured practice, a lesson and other practices."""

from __future__ import annotations

from reentrykit.core.demo import DemoWorld, register_demo_seeder
from reentrykit.library.models import Practice
from reentrykit.library.services import practice_feature, practice_write
from reentrykit.network.demo import demo_email, demo_sites

# (site, author's local part, fields, components, needs, featured)
DEMO_PRACTICES = (
    (
        "harlow-county",
        "member1",
        {
            "kind": "practice",
            "title": "Peer mentors meet people at the jail door",
            "summary": "Mentors who have been to jail themselves meet people on the day of "
            "release and stay in touch for the first 90 days.",
            "body": "Two part-time mentors, paid from the county's reentry budget, cover "
            "weekday releases from 8 to 6. The jail gives them a list of the next day's "
            "releases who agreed to be met. Most people met took a ride to housing or "
            "treatment that day.\n\nWhat it took: a memorandum with the jail, background "
            "check waivers for the mentors, and a phone for each.",
            "rating": "promising",
            "rigor": "low",
            "effect": "positive",
        },
        ("3.4", "2.3"),
        ("housing",),
        True,
    ),
    (
        "calder-valley",
        "coordinator",
        {
            "kind": "lesson",
            "title": "Sign the data-sharing agreement before the first meeting",
            "summary": "We spent six months on the agreement with the police; starting it "
            "early would have saved a full round of measures.",
            "body": "The city attorney asked for a security review and a purpose statement "
            "for every field. A template from another site would have cut weeks.",
            "rating": "not_rated",
        },
        ("2.1",),
        (),
        False,
    ),
    (
        "port-alder",
        "coordinator",
        {
            "kind": "practice",
            "title": "Job fair inside the facility a month before release",
            "summary": "Employers interview people in the facility so they leave with an offer.",
            "body": "Six employers took part; eleven people had an offer on release day.",
            "rating": "promising",
            "rigor": "low",
            "effect": "positive",
        },
        ("3.2",),
        ("employment",),
        False,
    ),
    (
        "river-bend",
        "coordinator",
        {
            "kind": "practice",
            "title": "A fund that covers landlords' first losses",
            "summary": "The county pays a landlord up to two months' rent or damages when a "
            "tenant coming home from jail leaves owing, so landlords say yes.",
            "body": "Twelve landlords signed up in the first year and rented to forty "
            "people; the fund paid two claims. Housing navigators find the units and "
            "visit monthly.",
            "rating": "promising",
            "rigor": "low",
            "effect": "positive",
        },
        ("3.1",),
        ("housing",),
        False,
    ),
    (
        "calder-valley",
        "member1",
        {
            "kind": "practice",
            "title": "Ten minutes of measures at every coalition meeting",
            "summary": "The data steward opens each meeting with the intermediate measures "
            "and one question the partners answer before the next.",
            "body": "Partners stopped asking where the numbers came from after two "
            "meetings; the share referred to programs within 30 days rose from a third "
            "to a half in a year.",
            "rating": "not_rated",
        },
        ("2.5", "2.2"),
        (),
        False,
    ),
)


def seed_practices(world: DemoWorld) -> None:
    sites = demo_sites(world)
    if Practice.objects.filter(site__in=sites.values()).exists():
        return  # seeded before
    for slug, local, fields, components, needs, featured in DEMO_PRACTICES:
        practice = practice_write(
            site=sites[slug],
            written_by=world.user(demo_email(slug, local)),
            components=components,
            needs=needs,
            **fields,
        )
        if featured:
            practice_feature(practice=practice, featured=True)


register_demo_seeder("practices", 26, seed_practices)
