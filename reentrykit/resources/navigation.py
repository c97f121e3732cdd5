from reentrykit.core.navigation import NavItem, register_nav

register_nav(
    NavItem(
        "resources",
        "Resources",
        "resources:directory",
        order=40,
        sections=("resources:",),
        pages=(
            ("Needs and capacity", "resources:needs"),
            ("Reentry map", "resources:map"),
            ("Funding", "resources:funding"),
        ),
    )
)
