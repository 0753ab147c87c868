"""The API's door, in the order a request meets it: who is calling (key or staff session), the
rate limits of the client's address and of the caller (counted together, one round trip), the
scope the endpoint needs, and the plan's API switch. A request whose key is refused counts
against its address all the same: past the address's limit, guessing keys gets 429.

Every endpoint names the scope of each of its actions (``scopes``); a key must carry it, a
signed-in member's role must hold the matching permission (api.scopes.SESSION_PERMISSION).
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from accounts.models import User
from api import limits
from api.scopes import SESSION_PERMISSION, PlatformScope, Scope
from api.selectors import KeyGrant, plan_terms
from billing.entitlements import FEATURE_LABELS, Feature
from billing.errors import BillingError, BillingErrorCode
from tenants.models import Tenant
from ticketing.team.access import has_permission, role_of


def tenant_of(request: Request) -> Tenant:
    return request._request.tenant


def actor_of(request: Request) -> User | None:
    """The team member acting, for services' ``actor=``; None for a key (scopes were checked)."""
    return request.user if isinstance(request.user, User) else None


def actor_label_of(request: Request) -> str:
    if isinstance(request.auth, KeyGrant):
        return f"API key “{request.auth.name}” ({request.auth.prefix})"
    return ""


class HasScope(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        scope = view.required_scope(request)
        if isinstance(request.auth, KeyGrant):
            if str(scope) not in request.auth.scopes:
                raise exceptions.PermissionDenied(f"This API key lacks the {scope} scope.")
            return True
        user = request.user
        if not isinstance(user, User) or not user.is_authenticated:
            return False
        if isinstance(scope, PlatformScope):
            if not user.is_staff:
                raise exceptions.PermissionDenied("Platform admins only.")
            return True
        if role_of(user) is None:
            raise exceptions.PermissionDenied("Your account is not on this shop's team.")
        permission = SESSION_PERMISSION[scope]
        if permission is not None and not has_permission(user, permission):
            raise exceptions.PermissionDenied(f"Your role does not allow {scope}.")
        return True


class ApiDoor:
    """Mixed into every API view: limits, authentication, scope and plan, in that order."""

    scopes: dict[str, Scope | PlatformScope] = {}
    permission_classes = [HasScope]

    def required_scope(self, request: Request) -> Scope | PlatformScope:
        action = getattr(self, "action", None) or (request.method or "GET").lower()
        try:
            return self.scopes[action]
        except KeyError:
            raise exceptions.MethodNotAllowed(request.method or "") from None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        terms = plan_terms(tenant_of(request))
        buckets = {f"ip:{limits.client_address(request)}": terms.per_ip_per_minute}
        try:
            self.perform_authentication(request)  # type: ignore[attr-defined]
        except exceptions.APIException:
            limits.enforce(buckets)  # a refused key still counts against its address
            raise
        if isinstance(request.auth, KeyGrant):
            buckets[f"key:{request.auth.key_id}"] = terms.per_key_per_minute
        elif request.user.is_authenticated:
            buckets[f"user:{request.user.pk}"] = terms.per_key_per_minute
        limits.enforce(buckets)
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if not terms.api_allowed:
            raise BillingError(
                BillingErrorCode.FEATURE_NOT_IN_PLAN,
                f"{FEATURE_LABELS[Feature.API]} is not part of your plan. Upgrade to use it.",
                http_status=403,
                extra={"feature": str(Feature.API)},
            )


class ApiView(ApiDoor, APIView):
    pass


class ApiViewSet(ApiDoor, GenericViewSet):
    pass
