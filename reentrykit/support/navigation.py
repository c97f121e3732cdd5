from reentrykit.core.navigation import NavItem, register_nav

register_nav(NavItem("support", "Support", "support:home", order=60, sections=("support:",)))
