from reentrykit.core.navigation import NavItem, register_nav

register_nav(
    NavItem("documents", "Documents", "library:documents", order=75, sections=("library:document",))
)
