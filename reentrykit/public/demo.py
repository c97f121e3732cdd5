"""The demo publishes its first coalition's directory and scorecard, so that the
published pages can be seen without signing in."""

from __future__ import annotations

from reentrykit.core.demo import DEMO_COALITIONS, DemoWorld, register_demo_seeder


def publish_first(world: DemoWorld) -> None:
    coalition = world.coalitions[DEMO_COALITIONS[0].slug]
    coalition.publish_directory = coalition.publish_scorecard = True
    coalition.save(update_fields=["publish_directory", "publish_scorecard"])


register_demo_seeder("published pages", 90, publish_first)
