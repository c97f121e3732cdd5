from reentrykit.core.access import Capability
from reentrykit.core.navigation import NavItem, register_nav

register_nav(NavItem("home", "Home", "coalitions:home", order=0))
register_nav(NavItem("coalition", "Coalition", "coalitions:overview", order=80))
register_nav(
    NavItem(
        "settings",
        "Settings",
        "coalitions:settings",
        order=90,
        capability=Capability.MANAGE,
        sections=(
            "coalitions:member",
            "coalitions:organization",
            "coalitions:invitation",
            "coalitions:audit",
        ),
    )
)
