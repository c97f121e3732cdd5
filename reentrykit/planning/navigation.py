from reentrykit.core.navigation import NavItem, register_nav

register_nav(NavItem("plan", "Plan", "planning:plan", order=50, sections=("planning:",)))
