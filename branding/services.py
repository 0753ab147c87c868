"""Branding use cases: the shop's look, its legal pages, translated content and custom domains.

Every check runs before anything is written, so a refused change leaves all as it was.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import URLValidator, validate_email
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

from accounts.models import User
from billing import entitlements
from billing.reseller import current_reseller
from branding.contrast import contrast_failures
from branding.custom_css import sanitize_css
from branding.errors import BrandingError, BrandingErrorCode
from branding.models import ContentTranslation, CustomDomainRequest, Font, LegalPage, Theme
from branding.selectors import (
    TRANSLATABLE_FIELDS,
    custom_domains_in_use,
    forget_theme,
    pending_domain_requests,
    shop_language,
)
from branding.txt_records import TxtLookupError, TxtResolver, txt_resolver
from core.errors import DomainError
from core.side_effects import after_commit
from tenants import services as tenant_services
from tenants.context import current_tenant
from tenants.selectors import hostname_taken, is_platform_hostname
from tenants.validation import clean_hostname
from ticketing.audit.services import record
from ticketing.team.access import require_permission
from ticketing.team.roles import Permission

COLOR_FIELDS = ("primary_color", "accent_color", "background_color", "text_color")
MAX_FOOTER_LINKS = 8
MAX_LEGAL_PAGE_LENGTH = 50_000


@dataclass(frozen=True)
class ImageRule:
    label: str | Promise
    max_bytes: int
    max_side: int
    formats: Mapping[str, str]  # Pillow format → file extension


RASTER_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "WEBP": ".webp"}
LOGO_RULE = ImageRule(label=gettext_lazy("logo"), max_bytes=1_000_000, max_side=2_000, formats=RASTER_FORMATS)
FAVICON_RULE = ImageRule(
    label=gettext_lazy("favicon"), max_bytes=100_000, max_side=512, formats={**RASTER_FORMATS, "ICO": ".ico"}
)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} KB"


def checked_image(upload: File, rule: ImageRule, *, field: str) -> File:
    """The upload, if it is a raster image of an allowed kind and size, named by what it really is.

    SVG is refused: it can carry scripts. The content decides the type, not the file name.
    """
    if upload.size is not None and upload.size > rule.max_bytes:
        raise BrandingError(
            BrandingErrorCode.IMAGE_TOO_LARGE,
            _("The %(what)s is %(size)s; it may be at most %(limit)s.")
            % {"what": rule.label, "size": _megabytes(upload.size), "limit": _megabytes(rule.max_bytes)},
            field=field,
        )
    kinds = ", ".join(sorted(rule.formats))
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise BrandingError(
            BrandingErrorCode.INVALID_IMAGE,
            _("The %(what)s is not an image we can use; upload a %(kinds)s file.")
            % {"what": rule.label, "kinds": kinds},
            field=field,
        ) from None
    if image_format is None or image_format not in rule.formats:
        raise BrandingError(
            BrandingErrorCode.INVALID_IMAGE,
            _("The %(what)s is a %(format)s image; upload a %(kinds)s file.")
            % {"what": rule.label, "format": image_format, "kinds": kinds},
            field=field,
        )
    if max(width, height) > rule.max_side:
        raise BrandingError(
            BrandingErrorCode.IMAGE_TOO_LARGE,
            _("The %(what)s is %(width)s×%(height)s pixels; it may be at most %(side)s pixels wide and high.")
            % {"what": rule.label, "width": width, "height": height, "side": rule.max_side},
            field=field,
        )
    upload.seek(0)
    upload.name = f"{field}{rule.formats[image_format]}"
    return upload


def _clean_color(field: str, value: str) -> str:
    value = (value or "").strip().lower()
    if len(value) == 4 and value.startswith("#"):  # #abc → #aabbcc
        value = "#" + "".join(digit * 2 for digit in value[1:])
    if len(value) != 7 or not value.startswith("#") or any(c not in "0123456789abcdef" for c in value[1:]):
        raise BrandingError(BrandingErrorCode.INVALID_THEME, _("Use a colour like #1a2b3c."), field=field)
    return value


def _check_contrast(colors: dict[str, str]) -> None:
    failures = contrast_failures(colors)
    if failures:
        failure = failures[0]
        raise BrandingError(
            BrandingErrorCode.LOW_CONTRAST,
            _(
                "%(foreground)s on %(background)s has a contrast of %(ratio).2f:1, below the 4.5:1 "
                "that WCAG AA asks for %(what)s. Choose a darker or lighter colour."
            )
            % {
                "foreground": colors[failure.pair.foreground_field],
                "background": colors[failure.pair.background_field],
                "ratio": failure.ratio,
                "what": failure.pair.what,
            },
            field=failure.pair.foreground_field,
            extra={"ratio": round(failure.ratio, 2), "required": 4.5},
        )


def _clean_footer_links(links: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    if len(links) > MAX_FOOTER_LINKS:
        raise BrandingError(
            BrandingErrorCode.INVALID_LINK,
            _("At most %(count)s footer links.") % {"count": MAX_FOOTER_LINKS},
            field="footer_links",
        )
    cleaned = []
    for link in links:
        label = " ".join(str(link.get("label", "")).split())
        url = str(link.get("url", "")).strip()
        if not label or len(label) > 60:
            raise BrandingError(
                BrandingErrorCode.INVALID_LINK,
                _("Each footer link needs a label of 1 to 60 characters."),
                field="footer_links",
            )
        if not _is_safe_link(url):
            raise BrandingError(
                BrandingErrorCode.INVALID_LINK,
                _("“%(url)s” is not a link we can show: use https://…, mailto:… or a path like /events/.")
                % {"url": url},
                field="footer_links",
            )
        cleaned.append({"label": label, "url": url})
    return cleaned


def _is_safe_link(url: str) -> bool:
    if url.startswith("/") and not url.startswith("//") and " " not in url:
        return True
    if url.startswith("mailto:"):
        try:
            validate_email(url.removeprefix("mailto:"))
        except ValidationError:
            return False
        return True
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError:
        return False
    return True


def checked_theme(
    *,
    display_name: str,
    primary_color: str,
    accent_color: str,
    background_color: str,
    text_color: str,
    font: str = Font.SYSTEM,
    footer_links: Sequence[Mapping[str, str]] = (),
    custom_css: str = "",
    email_sender_name: str = "",
    email_reply_to: str = "",
    base: Theme | None = None,
) -> Theme:
    """An unsaved theme with these values, all checked (the branding page's preview shows it)."""
    theme = Theme(pk=1) if base is None else base
    display_name = " ".join((display_name or "").split())
    if not display_name or len(display_name) > 100:
        raise BrandingError(
            BrandingErrorCode.INVALID_THEME,
            _("The shop's name must be 1 to 100 characters."),
            field="display_name",
        )
    colors = {
        field: _clean_color(field, value)
        for field, value in zip(
            COLOR_FIELDS, (primary_color, accent_color, background_color, text_color), strict=True
        )
    }
    _check_contrast(colors)
    if font not in Font.values:
        raise BrandingError(BrandingErrorCode.INVALID_THEME, _("Choose one of the fonts."), field="font")
    email_reply_to = (email_reply_to or "").strip().lower()
    if email_reply_to:
        try:
            validate_email(email_reply_to)
        except ValidationError:
            raise BrandingError(
                BrandingErrorCode.INVALID_THEME,
                _("“%(address)s” is not a valid e-mail address.") % {"address": email_reply_to},
                field="email_reply_to",
            ) from None
    email_sender_name = " ".join((email_sender_name or "").split())
    if len(email_sender_name) > 100 or any(c in email_sender_name for c in '<>"@'):
        raise BrandingError(
            BrandingErrorCode.INVALID_THEME,
            _('The sender name may have up to 100 characters, without < > " or @.'),
            field="email_sender_name",
        )
    theme.display_name = display_name
    for field, value in colors.items():
        setattr(theme, field, value)
    theme.font = font
    theme.footer_links = _clean_footer_links(footer_links)
    theme.custom_css = sanitize_css(custom_css or "")
    theme.email_sender_name = email_sender_name
    theme.email_reply_to = email_reply_to
    return theme


def update_theme(
    *,
    actor: User | None,
    display_name: str,
    primary_color: str,
    accent_color: str,
    background_color: str,
    text_color: str,
    font: str = Font.SYSTEM,
    footer_links: Sequence[Mapping[str, str]] = (),
    custom_css: str = "",
    email_sender_name: str = "",
    email_reply_to: str = "",
    logo: File | None = None,
    remove_logo: bool = False,
    favicon: File | None = None,
    remove_favicon: bool = False,
) -> Theme:
    """Change the shop's look from its back office: all of it, or nothing when anything is refused."""
    require_permission(actor, Permission.MANAGE_BRANDING)
    images = {
        "logo": checked_image(logo, LOGO_RULE, field="logo") if logo else None,
        "favicon": checked_image(favicon, FAVICON_RULE, field="favicon") if favicon else None,
    }
    removals = {"logo": remove_logo, "favicon": remove_favicon}
    with transaction.atomic(durable=True):
        current = Theme.objects.select_for_update().filter(pk=1).first()
        before = {field: getattr(current, field) for field in _AUDITED_FIELDS} if current else {}
        theme = checked_theme(
            display_name=display_name,
            primary_color=primary_color,
            accent_color=accent_color,
            background_color=background_color,
            text_color=text_color,
            font=font,
            footer_links=footer_links,
            custom_css=custom_css,
            email_sender_name=email_sender_name,
            email_reply_to=email_reply_to,
            base=current,
        )
        replaced: list[str] = []
        for field, upload in images.items():
            file_field = getattr(theme, field)
            if (upload is not None or removals[field]) and file_field:
                replaced.append(file_field.name)
            if upload is not None:
                file_field.save(upload.name, upload, save=False)
            elif removals[field]:
                setattr(theme, field, "")
        theme.save()
        changed = sorted(
            [field for field in _AUDITED_FIELDS if before.get(field) != getattr(theme, field)]
            + [field for field, upload in images.items() if upload is not None or removals[field]]
        )
        record(action="theme.updated", target=theme, actor=actor, fields=changed)
        # Now, and again after commit: a request in between may cache the old row again.
        forget_theme()
        after_commit(forget_theme)
        for name in replaced:
            after_commit(theme.logo.storage.delete, name)
    return theme


_AUDITED_FIELDS = (
    "display_name",
    *COLOR_FIELDS,
    "font",
    "footer_links",
    "custom_css",
    "email_sender_name",
    "email_reply_to",
)


def set_theme(*, display_name: str, **colors: str) -> Theme:
    """Create or update the shop's name and colours inside the caller's transaction (provisioning, demo)."""
    current = Theme.objects.filter(pk=1).first()
    values = {field: getattr(current or Theme(), field) for field in COLOR_FIELDS}
    unknown = set(colors) - set(COLOR_FIELDS)
    if unknown:
        raise TypeError(f"Cannot set {', '.join(sorted(unknown))} on a theme.")
    values.update(colors)
    theme = checked_theme(
        display_name=display_name,
        font=current.font if current else Font.SYSTEM,
        footer_links=current.footer_links if current else (),
        custom_css=current.custom_css if current else "",
        email_sender_name=current.email_sender_name if current else "",
        email_reply_to=current.email_reply_to if current else "",
        base=current,
        **values,
    )
    theme.save()
    forget_theme()
    after_commit(forget_theme)
    return theme


def set_legal_page(*, actor: User | None, kind: str, body: str) -> LegalPage | None:
    """Publish one of the shop's legal pages in its default language; an empty body takes it down."""
    require_permission(actor, Permission.MANAGE_BRANDING)
    if kind not in LegalPage.Kind.values:
        raise BrandingError(
            BrandingErrorCode.INVALID_LEGAL_PAGE, _("There is no such legal page."), field="kind"
        )
    body = (body or "").strip()
    if len(body) > MAX_LEGAL_PAGE_LENGTH:
        raise BrandingError(
            BrandingErrorCode.INVALID_LEGAL_PAGE,
            _("A legal page may have up to %(count)s characters.") % {"count": f"{MAX_LEGAL_PAGE_LENGTH:,}"},
            field=kind,
        )
    with transaction.atomic(durable=True):
        page = LegalPage.objects.select_for_update().filter(kind=kind).first()
        if not body:
            if page is not None:
                record(action="legal_page.removed", target=page, actor=actor, kind=kind)
                page.delete()
            return None
        if page is not None and page.body == body:
            return page
        page = page or LegalPage(kind=kind)
        page.body = body
        page.save()
        record(action="legal_page.published", target=page, actor=actor, kind=kind)
    return page


def translate_content(
    *, actor: User | None, target: models.Model, language: str, texts: Mapping[str, str]
) -> dict[str, str]:
    """Set an event's, ticket type's, add-on's or legal page's texts in one language other than the
    shop's default; an empty text removes that translation, so the default language shows again."""
    return translate_contents(actor=actor, language=language, changes=[(target, texts)])[0]


def _checked_texts(target: models.Model, texts: Mapping[str, str]) -> dict[str, str]:
    allowed = TRANSLATABLE_FIELDS.get(target._meta.label_lower)
    if not allowed or target.pk is None:
        raise BrandingError(BrandingErrorCode.NOT_TRANSLATABLE, _("This cannot be translated."))
    unknown = sorted(set(texts) - set(allowed))
    if unknown:
        raise BrandingError(
            BrandingErrorCode.NOT_TRANSLATABLE,
            _("“%(field)s” cannot be translated.") % {"field": unknown[0]},
            field=unknown[0],
        )
    cleaned = {field: (text or "").strip() for field, text in texts.items()}
    for field, text in cleaned.items():
        max_length = getattr(target._meta.get_field(field), "max_length", None)
        if max_length and len(text) > max_length:
            raise BrandingError(
                BrandingErrorCode.NOT_TRANSLATABLE,
                _("“%(text)s…” is too long: at most %(count)s characters.")
                % {"text": text[:20], "count": max_length},
                field=field,
            )
    return cleaned


def _checked_language(language: str) -> str:
    languages = dict(settings.LANGUAGES)
    if language not in languages:
        raise BrandingError(
            BrandingErrorCode.LANGUAGE_UNSUPPORTED,
            _("“%(language)s” is not one of the shop's languages.") % {"language": language},
            field="language",
        )
    if language == shop_language():
        raise BrandingError(
            BrandingErrorCode.LANGUAGE_UNSUPPORTED,
            _("%(language)s is the shop's default language: edit the texts themselves.")
            % {"language": languages[language]},
            field="language",
        )
    return language


def translate_contents(
    *,
    actor: User | None,
    language: str,
    changes: Sequence[tuple[models.Model, Mapping[str, str]]],
) -> list[dict[str, str]]:
    """Set the texts of several objects (an event and its ticket types) in one language, all or nothing."""
    require_permission(actor, Permission.MANAGE_BRANDING)
    language = _checked_language(language)
    checked = [(target, _checked_texts(target, texts)) for target, texts in changes]
    with transaction.atomic(durable=True):
        for target, cleaned in checked:
            _write_translations(actor=actor, target=target, language=language, cleaned=cleaned)
    return [{field: text for field, text in cleaned.items() if text} for _target, cleaned in checked]


def _write_translations(
    *, actor: User | None, target: models.Model, language: str, cleaned: Mapping[str, str]
) -> None:
    label = target._meta.label_lower
    existing = {
        row.field: row
        for row in ContentTranslation.objects.select_for_update().filter(
            content=label, object_id=target.pk, language=language
        )
    }
    changed = []
    for field, text in cleaned.items():
        row = existing.get(field)
        if not text:
            if row is not None:
                row.delete()
                changed.append(field)
        elif row is None:
            ContentTranslation.objects.create(
                content=label, object_id=target.pk, language=language, field=field, text=text
            )
            changed.append(field)
        elif row.text != text:
            row.text = text
            row.save(update_fields=["text", "updated_at"])
            changed.append(field)
    if changed:
        record(action="content.translated", target=target, actor=actor, language=language, fields=changed)


# Custom domains ---------------------------------------------------------------------------------


def _clean_custom_hostname(hostname: str) -> str:
    try:
        hostname = clean_hostname(hostname)
    except DomainError as error:
        raise BrandingError(BrandingErrorCode.HOSTNAME_INVALID, error.message, field="hostname") from None
    if is_platform_hostname(hostname):
        raise BrandingError(
            BrandingErrorCode.HOSTNAME_PLATFORM,
            _("“%(hostname)s” belongs to the platform; use a hostname of your own domain.")
            % {"hostname": hostname},
            field="hostname",
        )
    return hostname


def _refuse_taken(hostname: str) -> None:
    if hostname_taken(hostname):
        raise BrandingError(
            BrandingErrorCode.HOSTNAME_TAKEN,
            _("“%(hostname)s” is already in use on this platform.") % {"hostname": hostname},
            field="hostname",
        )


def request_custom_domain(*, actor: User | None, hostname: str) -> CustomDomainRequest:
    """Ask to serve the shop on a hostname of the reseller's own; it is routed once DNS proves
    ownership. Asking again for a pending hostname returns the same request."""
    require_permission(actor, Permission.MANAGE_BRANDING)
    tenant = current_reseller()  # read afresh: the plan may have changed since routing cached the shop
    entitlements.require_feature(entitlements.Feature.CUSTOM_DOMAINS, tenant=tenant)  # billing: the plan
    hostname = _clean_custom_hostname(hostname)
    _refuse_taken(hostname)
    with transaction.atomic(durable=True):
        existing = (
            CustomDomainRequest.objects.select_for_update()
            .filter(hostname=hostname, status=CustomDomainRequest.Status.PENDING)
            .first()
        )
        if existing is not None:
            return existing
        entitlements.check_limit(
            entitlements.Limit.CUSTOM_DOMAINS, in_use=custom_domains_in_use(tenant), tenant=tenant
        )
        request = CustomDomainRequest.objects.create(
            hostname=hostname,
            token=secrets.token_hex(16),
            requested_by=actor if actor is not None and actor.pk else None,
        )
        record(action="custom_domain.requested", target=request, actor=actor, hostname=hostname)
    return request


def _txt_problem(request: CustomDomainRequest, resolver: TxtResolver) -> BrandingError | None:
    """What stops the request's TXT record from proving ownership, or None when it proves it."""
    name = request.txt_record_name
    try:
        values = [value.strip() for value in resolver.txt_records(name)]
    except TxtLookupError:
        return BrandingError(
            BrandingErrorCode.DNS_UNAVAILABLE,
            _("DNS did not answer for %(name)s. Nothing was changed; try again in a few minutes.")
            % {"name": name},
        )
    if request.txt_record_value in values:
        return None
    if not values:
        message = _(
            "No TXT record was found at %(name)s. Add it at your DNS provider; it can take up to "
            "an hour to be seen."
        ) % {"name": name}
    else:
        message = _("The TXT record at %(name)s does not hold %(value)s.") % {
            "name": name,
            "value": request.txt_record_value,
        }
    return BrandingError(BrandingErrorCode.VERIFICATION_FAILED, message)


def verify_custom_domain(
    *, actor: User | None, request: CustomDomainRequest, resolver: TxtResolver | None = None
) -> CustomDomainRequest:
    """Check the request's DNS TXT record now and, when it matches, route the hostname to this shop.

    A failed check raises and changes nothing. Verifying a verified request returns it as it is.
    """
    require_permission(actor, Permission.MANAGE_BRANDING)
    if request.status == CustomDomainRequest.Status.VERIFIED:
        return request
    if request.status != CustomDomainRequest.Status.PENDING:
        raise BrandingError(
            BrandingErrorCode.REQUEST_NOT_PENDING,
            _("This request is %(status)s; add the hostname again.")
            % {"status": request.get_status_display().lower()},
        )
    _refuse_taken(request.hostname)
    # DNS is asked outside the transaction: a slow answer must not hold row locks.
    problem = _txt_problem(request, resolver or txt_resolver())
    if problem is not None:
        raise problem
    with transaction.atomic(durable=True):
        request = CustomDomainRequest.objects.select_for_update().get(pk=request.pk)
        if request.status == CustomDomainRequest.Status.VERIFIED:
            return request
        if request.status != CustomDomainRequest.Status.PENDING:
            raise BrandingError(
                BrandingErrorCode.REQUEST_NOT_PENDING, _("This request is no longer pending.")
            )
        try:
            tenant_services.route_custom_domain(
                tenant=current_tenant(), hostname=request.hostname, requested_by=_who(actor)
            )
        except DomainError as error:
            raise BrandingError(BrandingErrorCode.HOSTNAME_TAKEN, error.message, field="hostname") from None
        now = timezone.now()
        request.status = CustomDomainRequest.Status.VERIFIED
        request.verified_at = now
        request.last_checked_at = now
        request.last_problem = ""
        request.save(update_fields=["status", "verified_at", "last_checked_at", "last_problem"])
        record(action="custom_domain.verified", target=request, actor=actor, hostname=request.hostname)
    return request


def _who(actor: User | None) -> str:
    return actor.email if actor is not None and actor.pk else "verification task"


@dataclass(frozen=True)
class DomainCheckSummary:
    verified: list[str]
    still_pending: list[str]
    expired: list[str]


def check_pending_custom_domains(
    *, now: datetime | None = None, resolver: TxtResolver | None = None
) -> DomainCheckSummary:
    """The periodic check: route every pending hostname DNS now proves, note what stops the others,
    and expire requests left unproven for CUSTOM_DOMAIN_VERIFICATION_DAYS."""
    now = now or timezone.now()
    resolver = resolver or txt_resolver()
    deadline = now - timedelta(days=settings.CUSTOM_DOMAIN_VERIFICATION_DAYS)
    summary = DomainCheckSummary(verified=[], still_pending=[], expired=[])
    for request in pending_domain_requests():
        if request.created_at <= deadline:
            _expire(request)
            summary.expired.append(request.hostname)
            continue
        try:
            verify_custom_domain(actor=None, request=request, resolver=resolver)
        except BrandingError as error:
            _note_problem(request, error.message, now)
            summary.still_pending.append(request.hostname)
        else:
            summary.verified.append(request.hostname)
    return summary


def _note_problem(request: CustomDomainRequest, problem: str, now: datetime) -> None:
    """Bookkeeping for the back office ("last checked at …: …"); not an audited change."""
    with transaction.atomic(durable=True):
        CustomDomainRequest.objects.filter(pk=request.pk, status=CustomDomainRequest.Status.PENDING).update(
            last_checked_at=now, last_problem=problem[:300]
        )


def _expire(request: CustomDomainRequest) -> None:
    with transaction.atomic(durable=True):
        updated = CustomDomainRequest.objects.filter(
            pk=request.pk, status=CustomDomainRequest.Status.PENDING
        ).update(status=CustomDomainRequest.Status.EXPIRED)
        if updated:
            record(action="custom_domain.expired", target=request, hostname=request.hostname)


def remove_custom_domain(*, actor: User | None, request: CustomDomainRequest) -> CustomDomainRequest:
    """Stop using a custom hostname: a pending request is dropped, a verified one is no longer routed."""
    require_permission(actor, Permission.MANAGE_BRANDING)
    with transaction.atomic(durable=True):
        request = CustomDomainRequest.objects.select_for_update().get(pk=request.pk)
        if not request.is_live:
            return request
        if request.status == CustomDomainRequest.Status.VERIFIED:
            try:
                tenant_services.unroute_custom_domain(
                    tenant=current_tenant(), hostname=request.hostname, requested_by=_who(actor)
                )
            except DomainError as error:
                raise BrandingError(BrandingErrorCode.HOSTNAME_INVALID, error.message) from None
        request.status = CustomDomainRequest.Status.REMOVED
        request.save(update_fields=["status"])
        record(action="custom_domain.removed", target=request, actor=actor, hostname=request.hostname)
    return request


def make_main_hostname(*, actor: User | None, hostname: str) -> None:
    """Choose the hostname the shop's links and e-mails use (its platform subdomain or a verified one)."""
    require_permission(actor, Permission.MANAGE_BRANDING)
    tenant = current_tenant()
    with transaction.atomic(durable=True):
        try:
            tenant_services.make_primary_domain(tenant=tenant, hostname=hostname, requested_by=_who(actor))
        except DomainError as error:
            raise BrandingError(BrandingErrorCode.HOSTNAME_INVALID, error.message, field="hostname") from None
        request = CustomDomainRequest.objects.filter(
            hostname=hostname, status=CustomDomainRequest.Status.VERIFIED
        ).first()
        record(
            action="custom_domain.made_main",
            target=request or tenant,
            actor=actor,
            hostname=hostname,
        )
