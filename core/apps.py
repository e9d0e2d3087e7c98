from django.apps import AppConfig
from django.db.backends.signals import connection_created


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
        connection_created.connect(no_jit, dispatch_uid="core.no_jit")


def no_jit(sender, connection, **kwargs):
    """PostgreSQL compiles a query whose estimated cost passes a threshold (its JIT): for the status of every
    measure at 100x the plan, 230 ms of compiling for a query that runs in 10. The portal's queries are short
    and many, so it never pays off here. A setting of each connection, so it holds behind a pooler too."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
