from reentrykit.core.navigation import NavItem, register_nav

register_nav(NavItem("measures", "Measures", "metrics:dashboard", order=35, sections=("metrics:",)))
