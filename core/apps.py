from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core.model_rows import let_psycopg_cache_long_statements

        let_psycopg_cache_long_statements()
