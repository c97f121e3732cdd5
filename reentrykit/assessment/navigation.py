from reentrykit.core.navigation import NavItem, register_nav

register_nav(
    NavItem("assessment", "Assess", "assessment:rounds", order=20, sections=("assessment:",))
)
