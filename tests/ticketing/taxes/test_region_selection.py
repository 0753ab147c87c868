"""The buyer's region, and so the currency: chosen (cookie), else the host's, else the language's."""

from __future__ import annotations

import pytest
from django.test import Client

from tenants.models import Domain, Tenant
from ticketing.taxes.errors import TaxError, TaxErrorCode
from ticketing.taxes.models import Region
from ticketing.taxes.selectors import REGION_COOKIE, choose_region
from ticketing.taxes.services import save_region, set_tax_rule

from ..factories import make_regions, on_sale_event, price_in

pytestmark = pytest.mark.usefixtures("in_acme")


@pytest.fixture
def regions(in_acme: Tenant) -> dict[str, Region]:
    return make_regions()


@pytest.fixture
def show(in_acme: Tenant):
    event, ticket_type = on_sale_event(price_minor=5_000, name="Stalls")
    price_in(ticket_type, {"EUR": 4_500, "JPY": 7_000})
    return event


def code_of(region: Region | None) -> str:
    return region.code if region is not None else ""


def test_the_chosen_region_wins_then_the_host_then_the_language_then_the_default(regions) -> None:
    listed = list(regions.values())
    assert code_of(choose_region(listed, chosen="EU", host="acme.jp.localhost", language="ja")) == "EU"
    assert code_of(choose_region(listed, chosen="", host="ACME.JP.localhost:8000", language="de")) == "JP"
    assert code_of(choose_region(listed, chosen="XX", host="acme.localhost", language="ja")) == "JP"
    assert code_of(choose_region(listed, host="acme.localhost", language="de-at")) == "EU"
    assert code_of(choose_region(listed, host="acme.localhost", language="ar")) == "US"  # the default
    assert choose_region([], chosen="EU") is None  # no regions: the shop's currency


def test_the_region_cookie_sets_the_currency_of_the_prices(acme_client: Client, regions, show) -> None:
    assert "$50.00" in acme_client.get(f"/events/{show.slug}/").content.decode()
    acme_client.cookies[REGION_COOKIE] = "EU"
    assert "€45.00" in acme_client.get(f"/events/{show.slug}/").content.decode()


def test_a_custom_domain_can_open_the_shop_in_its_region(acme: Tenant, regions, show) -> None:
    Domain.objects.create(domain="acme.jp.localhost", tenant=acme, is_primary=False)
    page = Client(HTTP_HOST="acme.jp.localhost").get(f"/events/{show.slug}/")
    assert page.status_code == 200
    assert "¥7,000" in page.content.decode()


def test_the_buyers_language_suggests_a_region(acme_client: Client, regions, show) -> None:
    page = acme_client.get(f"/events/{show.slug}/", HTTP_ACCEPT_LANGUAGE="ja")
    assert "￥7,000" in page.content.decode()  # JPY, in Japanese (CLDR's full-width yen sign)
    page = acme_client.get(f"/events/{show.slug}/", HTTP_ACCEPT_LANGUAGE="de")
    assert "45,00\xa0€" in page.content.decode()


def test_the_switcher_remembers_the_choice_and_refuses_unknown_regions(
    acme_client: Client, regions, show
) -> None:
    page = acme_client.get(f"/events/{show.slug}/").content.decode()
    assert 'name="region"' in page and "Japan (JPY)" in page
    chosen = acme_client.post("/region/", {"region": "JP", "next": f"/events/{show.slug}/"})
    assert chosen.status_code == 302 and chosen["Location"] == f"/events/{show.slug}/"
    assert chosen.cookies[REGION_COOKIE].value == "JP"
    assert "¥7,000" in acme_client.get(chosen["Location"]).content.decode()

    refused = acme_client.post("/region/", {"region": "MARS", "next": "/"})
    assert refused.status_code == 400 and REGION_COOKIE not in refused.cookies
    elsewhere = acme_client.post("/region/", {"region": "EU", "next": "https://evil.example/"})
    assert elsewhere["Location"] == "/"


def test_a_shop_without_regions_shows_no_switcher_and_sells_in_its_currency(
    acme_client: Client, show
) -> None:
    page = acme_client.get(f"/events/{show.slug}/").content.decode()
    assert 'name="region"' not in page and "$50.00" in page


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"currency": "ZZZ"}, TaxErrorCode.UNKNOWN_CURRENCY, "currency"),
        ({"currency": "12"}, TaxErrorCode.UNKNOWN_CURRENCY, "currency"),
        ({"code": "no spaces"}, TaxErrorCode.INVALID_REGION, "code"),
        ({"tax_jurisdiction": "Germany"}, TaxErrorCode.INVALID_TAX_RULE, "tax_jurisdiction"),
    ],
)
def test_a_bad_region_is_refused_and_nothing_is_saved(fields, code, field) -> None:
    values = {"code": "UK", "name": "United Kingdom", "currency": "GBP", "tax_jurisdiction": "GB", **fields}
    with pytest.raises(TaxError) as refused:
        save_region(actor=None, **values)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert not Region.objects.exists()


@pytest.mark.parametrize("rate_bp", [-1, 10_001, "19", 19.0])
def test_a_bad_tax_rate_is_refused(rate_bp) -> None:
    with pytest.raises(TaxError) as refused:
        set_tax_rule(actor=None, jurisdiction="DE", category="standard", rate_bp=rate_bp)
    assert refused.value.field == "rate_bp"


def test_one_region_is_the_default(regions) -> None:
    save_region(actor=None, code="UK", name="United Kingdom", currency="GBP", is_default=True)
    assert list(Region.objects.filter(is_default=True).values_list("code", flat=True)) == ["UK"]
