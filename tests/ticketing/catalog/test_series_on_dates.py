"""Series made from dates: one draft event each, the template's offer copied with its sale windows moved."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ticketing.catalog.errors import CatalogError
from ticketing.catalog.models import Event, EventSeries
from ticketing.catalog.services import create_series_on_dates
from ticketing.inventory.models import Stock
from ticketing.team.errors import TeamError

from ..factories import make_addon, make_event, make_member, make_ticket_type

pytestmark = pytest.mark.usefixtures("in_acme")


def test_each_date_gets_its_own_stock_and_the_templates_sale_window_moved_along() -> None:
    template = make_event(capacity=30, name="Quiz")
    early = make_ticket_type(
        template, name="Early", quantity=12, sale_ends_at=template.starts_at - timedelta(days=2)
    )
    make_addon(template, name="Pretzel", quantity=5)
    first = template.starts_at + timedelta(days=7)
    starts = [first, first + timedelta(days=14)]

    series = create_series_on_dates(
        actor=None, name="Quiz nights", slug="quiz", starts=starts, duration=timedelta(hours=2),
        capacity=40, template=template,
    )  # fmt: skip

    events = list(series.events.order_by("starts_at"))
    assert [event.starts_at for event in events] == starts
    for event in events:
        (copied,) = event.ticket_types.all()
        assert copied.name == "Early" and copied.quantity == 12
        assert early.sale_ends_at is not None
        assert copied.sale_ends_at == early.sale_ends_at + (event.starts_at - template.starts_at)
        assert event.addons.get().name == "Pretzel"
        assert Stock.objects.get(event=event, ticket_type=None, addon=None).capacity == 40
        assert Stock.objects.get(ticket_type=copied).capacity == 12


def test_a_date_that_clashes_with_an_existing_event_address_refuses_the_whole_series() -> None:
    first = make_event(name="Taken").starts_at
    make_event(name="Clash", slug=f"clash-{first:%Y%m%d-%H%M}")
    with pytest.raises(CatalogError):
        create_series_on_dates(
            actor=None, name="Clash", slug="clash", starts=[first - timedelta(days=7), first],
            duration=timedelta(hours=1), capacity=10,
        )  # fmt: skip
    assert not EventSeries.objects.filter(slug="clash").exists()
    assert Event.objects.filter(slug__startswith="clash-").count() == 1


def test_only_staff_who_manage_the_catalog_make_series() -> None:
    with pytest.raises(TeamError) as refused:
        create_series_on_dates(
            actor=make_member("box_office"), name="Nope", slug="nope",
            starts=[make_event().starts_at], duration=timedelta(hours=1), capacity=10,
        )  # fmt: skip
    assert refused.value.http_status == 403
    assert not EventSeries.objects.filter(slug="nope").exists()
