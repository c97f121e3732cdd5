from reentrykit.core.navigation import NavItem, register_nav

register_nav(
    NavItem(
        "plan",
        "Plan",
        "planning:plan",
        order=50,
        sections=("planning:",),
        pages=(
            ("Buy-in", "planning:buy_in"),
            ("Monitoring", "planning:monitoring"),
            ("Public safety plan", "planning:safety"),
        ),
    )
)
