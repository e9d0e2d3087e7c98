from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares: CSV writing, filter forms, admin and API base pieces, template tags, test helpers.

    It holds no domain rules and imports no other app of the project.
    """

    name = "core"
    verbose_name = "Shared pieces"

    def ready(self):
        # Any change to the plan, its measures or its meetings invalidates the public page cache.
        from core.cache import connect_signals

        connect_signals()
