from reentrykit.core.navigation import NavItem, register_nav

register_nav(
    NavItem("documents", "Documents", "documents:list", order=75, sections=("documents:",))
)
