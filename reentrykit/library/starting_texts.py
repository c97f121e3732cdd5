"""The built-in document templates a coalition starts from.

A body is plain text: a line starting with "# " is a heading, a line starting with "- "
is a list item, and a blank line ends a paragraph. ``[[field]]`` is a merge field
(``reentrykit.library.merge``), filled from the coalition's own record when the
document is shown or exported.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    kind: str
    title: str
    purpose: str
    body: str


TEMPLATES: tuple[Template, ...] = (
    Template(
        "charter",
        "Coalition charter",
        "Who the coalition is, what it is for and how it decides.",
        """# Charter of [[coalition_name]]

# Purpose
[[coalition_name]] brings together the agencies and organizations of [[jurisdiction]] that \
work with people leaving jail and prison, so that more of them succeed in the community.

# Members
The coalition's partners are:
[[partner_organizations]]

# How we work
- The coalition meets at least every two months; a quorum is half the partners.
- Decisions are made by consensus; when that fails, by a two-thirds vote of partners present.
- [[coordinator_names]] coordinates the coalition and keeps its records.
- People who have been incarcerated take part in setting priorities.

Adopted on [[today]].""",
    ),
    Template(
        "mission",
        "Mission statement",
        "One paragraph everyone can repeat.",
        """# Our mission

[[mission_statement]]

[[coalition_name]] measures its progress with the community's own data: of the people \
released in [[rearrest_cohort_year]], [[one_year_rearrest]] were rearrested within a year.""",
    ),
    Template(
        "mou",
        "Memorandum of understanding",
        "What each partner agrees to contribute.",
        """# Memorandum of understanding

This memorandum is between the partners of [[coalition_name]].

# Commitments
- Each partner names one representative who attends coalition meetings.
- Each partner shares, within the law, the information the coalition's plan needs.
- Each partner reports on its action steps at every second meeting.

# Term
This memorandum takes effect on [[today]] and runs for two years, unless a partner \
withdraws with 60 days' written notice to [[coordinator_names]].

# Partners
[[partner_organizations]]""",
    ),
    Template(
        "data_sharing",
        "Data-sharing agreement",
        "The terms on which partners share records for the coalition's measures.",
        """# Data-sharing agreement

# Purpose
The partners of [[coalition_name]] share records of releases, arrests, convictions, \
incarceration, program participation and assessments so that the coalition can measure \
recidivism and the progress of its plan.

# Protections
- Records are linked and pseudonymized in an encrypted store; names and dates of birth \
are kept only to link records and can be purged.
- Only the coalition's data stewards see person-level records.
- Every figure shared beyond the data stewards hides counts below [[suppression_threshold]].

# Partners
[[partner_organizations]]

Signed on [[today]].""",
    ),
    Template(
        "agenda",
        "Meeting agenda",
        "A standing agenda for coalition meetings.",
        """# [[coalition_name]]: meeting agenda, [[today]]

- Welcome and introductions
- What the data shows: of the people released in [[rearrest_cohort_year]], \
[[one_year_rearrest]] were rearrested within a year (of state prisoners released \
nationally in 2005, [[national_one_year_rearrest]])
- Progress on the plan's action steps
- Decisions needed
- Next meeting and action items""",
    ),
    Template(
        "talking_points",
        "Talking points",
        "What to say about reentry to a decision maker.",
        """# Talking points: reentry in [[jurisdiction]]

- [[coalition_name]] brings together [[partners]] to help people leaving jail and \
prison succeed.
- Of the people released in [[rearrest_cohort_year]], [[one_year_rearrest]] were \
rearrested within a year. Of state prisoners released nationally in 2005 (30 states), \
[[national_one_year_rearrest]] were rearrested within a year.
- Within a year of release, [[one_year_reconviction]] were convicted of a new offense \
and [[one_year_reincarceration]] were back in jail or prison.
- Every person who succeeds means fewer victims, fewer jail bed-days and a stronger \
workforce.
- We ask you to support the coalition's plan.""",
    ),
    Template(
        "press_release",
        "Press release",
        "An announcement for local media.",
        """# [[coalition_name]] sets out a plan for safer communities

[[today]]. [[coalition_name]], a partnership of [[partners]], today announced its work \
to help people leaving jail and prison succeed in the community.

[[mission_statement]]

For more information, contact [[coordinator_names]].""",
    ),
    Template(
        "resource_guide",
        "Resource guide for people leaving custody",
        "Where to turn in the first days after release.",
        """# Coming home to [[jurisdiction]]

This guide lists the services and partners of [[coalition_name]] that can help in \
your first days after release.

# Services
[[services]]

# Partners
[[partner_organizations]]

# In your first week
- Check in with your supervision officer if you are on probation or parole.
- Get an identity document; many services ask for one.
- Ask about housing, treatment and work before you need them.""",
    ),
)

BY_KIND = {template.kind: template for template in TEMPLATES}


def for_step(*kinds: str) -> tuple[tuple[str, str], ...]:
    """(kind, title) of the named templates, for a toolkit path step to link to."""
    return tuple((kind, BY_KIND[kind].title) for kind in kinds)
