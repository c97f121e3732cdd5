"""Demo coaching: sessions with action items and requests for help in three sites.

Dates are set from the day of seeding, so the demo always has something overdue, something
due soon and a request waiting for an answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from reentrykit.core.demo import DEMO_COALITIONS, DemoWorld, register_demo_seeder
from reentrykit.network.models import CoachingSession, NetworkSite
from reentrykit.network.services import (
    action_item_add,
    action_item_mark,
    assistance_request_answer,
    assistance_request_make,
    coaching_session_record,
)


@dataclass(frozen=True)
class DemoItem:
    description: str
    owner: str
    due_in_days: int  # from the day of seeding; negative is past
    done: bool = False


@dataclass(frozen=True)
class DemoSession:
    site: str  # coalition slug
    coach: str  # email
    days_ago: int
    topics: str
    working: str
    challenges: str
    next_steps: str
    items: tuple[DemoItem, ...]


COACH1 = "coach1@network.demo.test"
COACH2 = "coach2@network.demo.test"
DEMO_SESSIONS = (
    DemoSession(
        "harlow-county",
        COACH1,
        40,
        "Baseline assessment results; which weak components to take on first.",
        "Strong turnout from the jail and probation at the assessment meeting.",
        "No arrest data from the city police yet, so the rearrest rate covers county arrests only.",
        "Ask the police department for a data-sharing agreement.",
        (
            DemoItem(
                "Send the draft data-sharing agreement to the police", "Coordinator", -20, True
            ),
            DemoItem("Invite the public defender's office to join", "Coordinator", -5),
        ),
    ),
    DemoSession(
        "harlow-county",
        COACH1,
        12,
        "Follow-up assessment; the jail's pre-release programming.",
        "Scores rose in every section since the baseline.",
        "High-risk releases are rarely referred to programs within 30 days.",
        "Map who makes referrals in the first month after release.",
        (DemoItem("List the programs that take referrals before release", "County jail", 7),),
    ),
    DemoSession(
        "calder-valley",
        COACH1,
        20,
        "Setting priorities from the assessment.",
        "The workforce center offers to host the coalition's meetings.",
        "Members disagree on whether housing or employment comes first.",
        "Score the candidate priorities at the next meeting.",
        (DemoItem("Circulate the candidate priorities before the meeting", "Coordinator", -2),),
    ),
    DemoSession(
        "port-alder",
        COACH2,
        10,
        "The open fall check-in round.",
        "Half the members have answered already.",
        "Providers are unsure how to rate the data components.",
        "Hold a short call to walk providers through the data items.",
        (DemoItem("Schedule the call with providers", "Coordinator", 10),),
    ),
)


def demo_email(slug: str, local: str) -> str:
    return next(spec for spec in DEMO_COALITIONS if spec.slug == slug).email(local)


def demo_sites(world: DemoWorld) -> dict[str, NetworkSite]:
    """The demo network's sites by coalition slug."""
    return {
        site.coalition.slug: site
        for site in NetworkSite.objects.filter(network=world.network).select_related("coalition")
    }


def seed_coaching(world: DemoWorld) -> None:
    sites = demo_sites(world)
    if CoachingSession.objects.filter(site__in=sites.values()).exists():
        return  # seeded before
    today = timezone.localdate()
    for spec in DEMO_SESSIONS:
        session = coaching_session_record(
            site=sites[spec.site],
            coach=world.user(spec.coach),
            held_on=today - dt.timedelta(days=spec.days_ago),
            attendees="Coordinator, data steward, two members",
            topics=spec.topics,
            working=spec.working,
            challenges=spec.challenges,
            next_steps=spec.next_steps,
        )
        for entry in spec.items:
            item = action_item_add(
                session=session,
                description=entry.description,
                owner=entry.owner,
                due_on=today + dt.timedelta(days=entry.due_in_days),
            )
            if entry.done:
                action_item_mark(item=item, done=True, today=item.due_on)
    assistance_request_make(
        site=sites["harlow-county"],
        requested_by=world.user(demo_email("harlow-county", "coordinator")),
        topic="Finding the jail's cost per bed-day",
        detail="We want to show what fewer rebookings would save the county.",
        needed_by=today + dt.timedelta(days=21),
    )
    answered = assistance_request_make(
        site=sites["port-alder"],
        requested_by=world.user(demo_email("port-alder", "coordinator")),
        topic="A sample data-sharing agreement",
        detail="The sheriff's counsel asked for an example from another county.",
    )
    assistance_request_answer(
        request=answered,
        answered_by=world.user(COACH2),
        answer="The template library's data-sharing agreement is a good start; "
        "I will send one a pilot site signed last year.",
    )


register_demo_seeder("coaching", 25, seed_coaching)
