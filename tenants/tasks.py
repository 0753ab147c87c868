from celery import shared_task

from tenants import pool


@shared_task(name="tenants.top_up_schema_pool")
def top_up_schema_pool() -> int:
    """Refill the spare-schema pool after a claim (and on a beat schedule)."""
    return pool.top_up()
