from reentrykit.core.navigation import NavItem, register_nav

register_nav(NavItem("data", "Data", "data:home", order=30, sections=("data:",)))
