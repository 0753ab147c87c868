"""The reports API on the reseller's host (plans with API access): list, request, download.

Thin views: parse, check permission and plan, call the service, answer; refusals are
RFC 9457 problem details with the service's code.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from billing import entitlements
from billing.payouts.models import Payout
from billing.reports import services
from billing.reports.models import Report, ReportFormat
from billing.reseller import current_reseller
from core.errors import DomainError


class ReportIn(serializers.Serializer):
    kind = serializers.CharField()
    format = serializers.CharField(default="pdf")
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    payout = serializers.IntegerField(required=False)


class ReportOut(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = ["id", "kind", "format", "period_start", "period_end", "status", "created_at", "finished_at"]


def problem(error: DomainError) -> Response:
    return Response(error.as_problem(), status=error.http_status, content_type="application/problem+json")


class ResellerApi(APIView):
    """Reseller staff only, on plans with API access; refusals as problem details."""

    permission_classes = [IsAdminUser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.tenant = current_reseller()
        entitlements.require_feature(entitlements.Feature.API, tenant=self.tenant)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, DomainError):
            return problem(exc)
        return super().handle_exception(exc)


class ReportsApi(ResellerApi):
    @extend_schema(responses={200: ReportOut(many=True)})
    def get(self, request: Request) -> Response:
        return Response(ReportOut(Report.objects.filter(tenant=self.tenant)[:100], many=True).data)

    @extend_schema(request=ReportIn, responses={202: ReportOut})
    def post(self, request: Request) -> Response:
        data = ReportIn(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        payout = None
        if values.get("payout") is not None:
            payout = Payout.objects.filter(tenant=self.tenant, pk=values["payout"]).first()
        start: date | None = values.get("period_start")
        end: date | None = values.get("period_end")
        report = services.request_report(
            tenant=self.tenant,
            kind=values["kind"],
            format=values["format"],
            period_start=start,
            period_end=end,
            payout=payout,
            requested_by=request.user if isinstance(request.user, User) else None,  # None: an API key
        )
        return Response(ReportOut(report).data, status=202)


class ReportDownloadApi(ResellerApi):
    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, (200, "text/csv"): OpenApiTypes.BINARY}
    )
    def get(self, request: Request, report_id: int) -> Any:
        report = Report.objects.filter(pk=report_id, tenant=self.tenant, status=Report.Status.READY).first()
        if report is None:
            raise Http404
        content_type = "application/pdf" if report.format == ReportFormat.PDF else "text/csv"
        return FileResponse(
            services.report_path(report).open("rb"),
            as_attachment=True,
            filename=report.download_name,
            content_type=content_type,
        )
