from reentrykit.core.navigation import NavItem, register_nav

register_nav(
    NavItem(
        "network",
        "Network",
        "coalition_network:networks",
        order=70,
        sections=("coalition_network:", "library:practice"),
    )
)
