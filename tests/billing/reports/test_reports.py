"""White-label reports: statements from the ledger, as CSV and real PDFs in the reseller's branding,
requested in the back office or the API, scheduled weekly; the platform's own report for admins."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context
from pypdf import PdfReader
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import User
from billing.ledger.models import LedgerTransaction
from billing.reports import services
from billing.reports.errors import ReportError, ReportErrorCode
from billing.reports.models import Report, ReportSchedule
from branding.services import set_theme
from tenants.models import Tenant
from tests.billing.factories import order_value, paid_order, put_on_plan, record_processor_sale
from tests.conftest import PLATFORM_HOST, client_for

TODAY = timezone.now().date()


@pytest.fixture(autouse=True)
def _reports_dir(settings: SettingsWrapper, tmp_path: Path) -> None:
    settings.BILLING_REPORTS_DIR = tmp_path / "reports"


@pytest.fixture
def acme_sales(acme_on_growth: Tenant) -> Iterator[Tenant]:
    """acme (USD, growth) with a box-office sale and a card sale today, in its own colours."""
    with tenant_context(acme_on_growth):
        set_theme(display_name="Acme Live Tickets", primary_color="#aa0011")
        paid_order(price_minor=2500, quantity=2)
        record_processor_sale(
            order_value(currency="USD", unit_minor=10_000, quantity=1), processor_fee_minor=320
        )
    yield acme_on_growth


def made(report: Report) -> Report:
    return services.generate_report(report_id=report.pk)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_a_sales_statement_pdf_is_branded_and_lists_each_event(acme_sales: Tenant) -> None:
    report = made(
        services.request_report(
            tenant=acme_sales, kind="sales_statement", format="pdf", period_start=TODAY, period_end=TODAY
        )
    )
    assert report.status == Report.Status.READY
    text = pdf_text(services.report_path(report))
    assert "Acme Live Tickets" in text and "Sales statement" in text
    box_office = LedgerTransaction.objects.get(
        tenant=acme_sales, kind="sale", channel="online", details__collected_by="reseller"
    )
    assert box_office.event_name in text
    assert "Property Night" in text
    assert "$150.00" in text  # total gross: 50.00 at the box office + 100.00 by card
    assert "Total USD" in text


def test_a_sales_statement_csv_adds_up_per_currency(acme_sales: Tenant) -> None:
    report = made(
        services.request_report(
            tenant=acme_sales, kind="sales_statement", format="csv", period_start=TODAY, period_end=TODAY
        )
    )
    rows = list(csv.reader(io.StringIO(services.report_path(report).read_text())))
    header, lines = rows[1], rows[2:]
    assert header == [
        "Line",
        "Currency",
        "Gross sales",
        "Refunds",
        "Chargebacks",
        "Platform fees",
        "Card fees",
        "Net",
    ]
    total = next(line for line in lines if line[0] == "Total USD")
    fees = 150 + 2 * 59 + 300 + 59  # growth: 3 % + 0.59 per unit
    assert total[2:] == [
        "150.00",
        "0.00",
        "0.00",
        f"{fees / 100:.2f}",
        "3.20",
        f"{(15_000 - fees - 320) / 100:.2f}",
    ]


def test_a_tax_summary_of_untaxed_sales_shows_them_without_tax(acme_sales: Tenant) -> None:
    report = made(
        services.request_report(
            tenant=acme_sales, kind="tax_summary", format="csv", period_start=TODAY, period_end=TODAY
        )
    )
    text = services.report_path(report).read_text()
    assert "Tax summary" in text and "Line,Currency,Net,Tax,Gross" in text
    assert "No tax rules,USD,150.00,0.00,150.00" in text


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (TODAY, TODAY + timedelta(days=1), ReportErrorCode.PERIOD_IN_FUTURE),
        (TODAY, TODAY - timedelta(days=1), ReportErrorCode.PERIOD_INVALID),
        (TODAY - timedelta(days=400), TODAY, ReportErrorCode.PERIOD_INVALID),
    ],
)
def test_a_bad_period_is_refused_and_nothing_is_queued(
    acme: Tenant, start: date, end: date, code: str
) -> None:
    with pytest.raises(ReportError) as refused:
        services.request_report(
            tenant=acme, kind="sales_statement", format="pdf", period_start=start, period_end=end
        )
    assert refused.value.code == code
    assert not Report.objects.filter(tenant=acme).exists()


def test_a_payout_statement_needs_a_payout_of_the_reseller(acme: Tenant, bravo: Tenant) -> None:
    from billing.payouts.models import Payout

    theirs = Payout.objects.create(tenant=bravo, currency="EUR", amount_minor=100, period="2026-W01")
    with pytest.raises(ReportError) as refused:
        services.request_report(tenant=acme, kind="payout_statement", format="pdf", payout=theirs)
    assert refused.value.code == ReportErrorCode.PAYOUT_REQUIRED


@pytest.fixture
def acme_staff(acme_sales: Tenant) -> Client:
    with schema_context("acme"):
        owner = User.objects.get(email="owner@acme.example")
        owner.set_password("correct horse battery")
        owner.save()
    client = client_for("acme.localhost")
    assert (
        client.post(
            "/accounts/login/", {"username": "owner@acme.example", "password": "correct horse battery"}
        ).status_code
        == 302
    )
    return client


def test_staff_request_and_download_reports_in_the_back_office(
    acme_staff: Client, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = acme_staff.post(
            "/backoffice/billing/reports/",
            {
                "kind": "sales_statement",
                "format": "pdf",
                "period_start": TODAY.isoformat(),
                "period_end": TODAY.isoformat(),
            },
        )
    assert response.status_code == 302
    report = Report.objects.get(tenant__schema_name="acme")
    assert report.status == Report.Status.READY
    page = acme_staff.get("/backoffice/billing/reports/").content.decode()
    assert f"/backoffice/billing/reports/{report.pk}/download/" in page
    download = acme_staff.get(f"/backoffice/billing/reports/{report.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]

    future = acme_staff.post(
        "/backoffice/billing/reports/",
        {
            "kind": "sales_statement",
            "format": "pdf",
            "period_start": TODAY.isoformat(),
            "period_end": (TODAY + timedelta(days=3)).isoformat(),
        },
    )
    assert future.status_code == 400 and "cannot end after today" in future.content.decode()


def test_french_staff_get_the_reports_page_and_its_refusals_in_french(acme_staff: Client) -> None:
    french = {"HTTP_ACCEPT_LANGUAGE": "fr"}
    page = acme_staff.get("/backoffice/billing/reports/", **french).content.decode()  # type: ignore[arg-type]
    assert "<h1>Rapports</h1>" in page and "Préparer le rapport" in page and "Aucun rapport pour" in page
    assert "Relevé des ventes par événement" in page and "Prepare report" not in page

    refused = acme_staff.post(
        "/backoffice/billing/reports/",
        {"kind": "sales_statement", "format": "pdf", "period_start": TODAY.isoformat(), "period_end": ""},
        **french,  # type: ignore[arg-type]
    )
    assert refused.status_code == 400
    assert "Choisissez le premier et le dernier jour." in refused.content.decode()
    assert not Report.objects.filter(tenant__schema_name="acme").exists()


def test_another_resellers_staff_cannot_download_a_report(acme_sales: Tenant) -> None:
    report = made(
        services.request_report(
            tenant=acme_sales, kind="sales_statement", format="csv", period_start=TODAY, period_end=TODAY
        )
    )
    with schema_context("bravo"):
        owner = User.objects.get(email="owner@bravo.example")
        owner.set_password("correct horse battery")
        owner.save()
    bravo = client_for("bravo.localhost")
    bravo.post("/accounts/login/", {"username": "owner@bravo.example", "password": "correct horse battery"})
    assert bravo.get(f"/backoffice/billing/reports/{report.pk}/download/").status_code == 404
    assert bravo.get(f"/api/v1/billing/reports/{report.pk}/download/").status_code in (403, 404)


def test_the_api_lists_and_requests_reports_on_plans_with_api_access(
    acme_staff: Client, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        created = acme_staff.post(
            "/api/v1/billing/reports/",
            {
                "kind": "tax_summary",
                "format": "csv",
                "period_start": TODAY.isoformat(),
                "period_end": TODAY.isoformat(),
            },
            content_type="application/json",
        )
    assert created.status_code == 202, created.content
    listed = acme_staff.get("/api/v1/billing/reports/").json()
    assert [(item["kind"], item["status"]) for item in listed] == [("tax_summary", "ready")]
    download = acme_staff.get(f"/api/v1/billing/reports/{created.json()['id']}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "text/csv"

    refused = acme_staff.post(
        "/api/v1/billing/reports/",
        {
            "kind": "sales_statement",
            "period_start": TODAY.isoformat(),
            "period_end": (TODAY + timedelta(days=1)).isoformat(),
        },
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["code"] == "report_period_in_future"

    put_on_plan(Tenant.objects.get(schema_name="acme"), "starter")  # no API access
    no_api = acme_staff.get("/api/v1/billing/reports/")
    assert no_api.status_code == 403 and no_api.json()["code"] == "feature_not_in_plan"


def test_scheduled_reports_are_mailed_once_on_their_weekday(
    acme_sales: Tenant, django_capture_on_commit_callbacks: object
) -> None:
    services.set_report_schedule(
        tenant=acme_sales,
        actor=None,
        kind="sales_statement",
        format="pdf",
        weekday=0,
        recipients=["Boss@Acme.example"],
    )
    monday = TODAY - timedelta(days=TODAY.weekday())
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        [report] = services.send_scheduled_reports(today=monday)
        assert services.send_scheduled_reports(today=monday) == []
    assert (report.period_start, report.period_end) == (
        monday - timedelta(days=7),
        monday - timedelta(days=1),
    )
    [message] = [m for m in mail.outbox if m.to == ["boss@acme.example"]]
    [(name, content, mimetype)] = message.attachments
    assert name.endswith(".pdf") and mimetype == "application/pdf" and content[:4] == b"%PDF"
    assert services.send_scheduled_reports(today=monday + timedelta(days=1)) == []
    assert ReportSchedule.objects.get(tenant=acme_sales).last_sent_on == monday


def test_a_schedule_with_a_bad_recipient_is_refused(acme: Tenant) -> None:
    with pytest.raises(ReportError) as refused:
        services.set_report_schedule(
            tenant=acme,
            actor=None,
            kind="sales_statement",
            format="pdf",
            weekday=0,
            recipients=["not-an-address"],
        )
    assert refused.value.code == ReportErrorCode.INVALID_RECIPIENT
    assert not ReportSchedule.objects.filter(tenant=acme).exists()


def test_the_platform_report_shows_gmv_and_fees_by_reseller_with_charts(acme_sales: Tenant) -> None:
    admin = User.objects.create_superuser("root@platform.localhost", "console password 1")
    console = client_for(PLATFORM_HOST)
    console.force_login(admin)
    page = console.get("/admin/platform-report/").content.decode()
    assert "Acme Live" in page
    assert "$150.00" in page  # GMV
    assert "<svg" in page and "GMV in USD" in page and "Platform fees in USD" in page
    assert client_for(PLATFORM_HOST).get("/admin/platform-report/").status_code == 302  # staff only


def test_a_tax_summary_groups_sales_less_refunds_by_jurisdiction_and_rate(
    acme_on_growth: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read from the ledger's tax breakdown: 19 % tickets and 7 % parking in the EU, sales tax in
    the US, a partial refund taking its own share off, and a reverse-charge sale apart."""
    from typing import Any, cast

    from django.db import connection

    from tests.ticketing.factories import make_addon, make_regions, on_sale_event, price_in
    from ticketing.inventory.services import Selection
    from ticketing.orders.services import Buyer, buy_tickets, mark_order_paid, refund_order

    with tenant_context(acme_on_growth):
        monkeypatch.setattr(cast(Any, connection).tenant, "country", "DE")
        make_regions()
        event, ticket_type = on_sale_event(price_minor=5_000, name="Stalls")
        price_in(ticket_type, {"EUR": 4_500})
        parking = make_addon(event, name="Parking", price_minor=1_000, tax_category="reduced")
        price_in(parking, {"EUR": 1_070})
        buyer = Buyer(name="Ada", email="ada@example.com")
        selection = Selection(tickets={ticket_type.pk: 2}, addons={parking.pk: 1})
        euro = mark_order_paid(order=buy_tickets(event=event, selection=selection, buyer=buyer, region="EU"),
                               actor=None)  # fmt: skip
        ticket = euro.tickets.first()
        assert ticket is not None
        refund_order(order=euro, actor=None, ticket_ids=[ticket.pk])  # 45.00, of which 7.18 VAT
        mark_order_paid(
            order=buy_tickets(
                event=event, selection=selection, buyer=buyer, region="EU", vat_id="FR12345678901"
            ),
            actor=None,
        )
        mark_order_paid(
            order=buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=buyer,
                              region="US"),
            actor=None,
        )  # fmt: skip
    report = made(
        services.request_report(
            tenant=acme_on_growth, kind="tax_summary", format="csv", period_start=TODAY, period_end=TODAY
        )
    )
    lines = csv.reader(io.StringIO(services.report_path(report).read_text()))
    rows = {f"{row[0]} {row[1]}": row[2:] for row in lines if len(row) == 5}
    # EU 19 %: 90.00 sold (75.63 + 14.37), 45.00 refunded (37.82 + 7.18)
    assert rows["DE 19 % EUR"] == ["37.81", "7.19", "45.00"]
    assert rows["DE 7 % EUR"] == ["10.00", "0.70", "10.70"]
    assert rows["DE reverse charge EUR"] == ["85.63", "0.00", "85.63"]
    assert rows["US-NY 8 % USD"] == ["50.00", "4.00", "54.00"]
    assert rows["Total EUR EUR"] == ["133.44", "7.89", "141.33"]


def test_without_api_access_in_the_plan_the_api_refuses_and_nothing_is_requested(acme_staff: Client) -> None:
    put_on_plan(Tenant.objects.get(schema_name="acme"), "starter")
    refused = acme_staff.post(
        "/api/v1/billing/reports/",
        {
            "kind": "tax_summary",
            "format": "csv",
            "period_start": TODAY.isoformat(),
            "period_end": TODAY.isoformat(),
        },
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "feature_not_in_plan"
    assert refused.json()["title"] == "The feature “API access” is not part of your plan. Upgrade to use it."
    assert not Report.objects.filter(tenant__schema_name="acme").exists()
