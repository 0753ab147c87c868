"""Team members and roles: invitations, role changes, removal, and the owner who must remain."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from accounts.models import User
from ticketing.audit.models import LogEntry
from ticketing.team.access import has_permission, require_permission, role_of
from ticketing.team.errors import TeamError, TeamErrorCode
from ticketing.team.models import Membership
from ticketing.team.roles import ROLE_PERMISSIONS, Permission, Role
from ticketing.team.selectors import team_members
from ticketing.team.services import change_role, invite_member, remove_member

from ..factories import make_member

pytestmark = pytest.mark.usefixtures("in_acme")

LINK_BASE = "http://acme.localhost"


@pytest.fixture
def owner() -> User:
    return User.objects.get(email="owner@acme.example")


def test_the_owner_provisioning_created_is_an_owner_without_a_membership_row(owner: User) -> None:
    assert not Membership.objects.filter(user=owner).exists()
    assert role_of(owner) == Role.OWNER
    assert [(member.user.email, member.role) for member in team_members()] == [
        ("owner@acme.example", Role.OWNER)
    ]


def test_the_permission_map() -> None:
    assert ROLE_PERMISSIONS[Role.OWNER] == frozenset(Permission)
    assert Permission.MANAGE_TEAM not in ROLE_PERMISSIONS[Role.MANAGER]
    assert ROLE_PERMISSIONS[Role.SCANNER] == {Permission.SCAN}
    assert ROLE_PERMISSIONS[Role.ANALYST] == {Permission.VIEW_REPORTS}
    assert ROLE_PERMISSIONS[Role.BOX_OFFICE] == {
        Permission.VIEW_ORDERS,
        Permission.SELL_BOX_OFFICE,
        Permission.SCAN,
    }
    for role in (Role.BOX_OFFICE, Role.SCANNER, Role.ANALYST):
        assert Permission.MANAGE_CATALOG not in ROLE_PERMISSIONS[role]
        assert Permission.MANAGE_ORDERS not in ROLE_PERMISSIONS[role]


def test_invitation_adds_a_member_and_mails_the_link_after_commit(
    owner: User, acme_client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        member = invite_member(
            actor=owner, email=" Bob@Example.com ", role="box_office", full_name="Bob", link_base=LINK_BASE
        )
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert member.role == Role.BOX_OFFICE and member.invitation_pending
    assert member.user.email == "bob@example.com" and member.user.is_staff
    assert [message.to for message in mail.outbox] == [["bob@example.com"]]
    link = re.search(r"http://acme\.localhost(/accounts/invitation/\S+/)", str(mail.outbox[0].body))
    assert link is not None and "box office" in str(mail.outbox[0].body)
    assert LogEntry.objects.filter(action="team.invited", object_id=member.user.pk).exists()

    page = acme_client.get(link.group(1), follow=True)
    assert "Set your password" in page.content.decode()


def test_an_invitation_that_fails_sends_nothing(owner: User, django_capture_on_commit_callbacks) -> None:
    make_member("manager", email="mia@example.com")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TeamError) as refused:
        invite_member(actor=owner, email="mia@example.com", role="scanner", link_base=LINK_BASE)
    assert refused.value.code == TeamErrorCode.ALREADY_MEMBER
    with pytest.raises(TeamError) as bad_role:
        invite_member(actor=owner, email="new@example.com", role="emperor", link_base=LINK_BASE)
    assert bad_role.value.field == "role"
    with pytest.raises(TeamError) as bad_email:
        invite_member(actor=owner, email="not an address", role="scanner", link_base=LINK_BASE)
    assert bad_email.value.field == "email"
    assert mail.outbox == []
    assert not User.objects.filter(email="new@example.com").exists()
    assert Membership.objects.get(user__email="mia@example.com").role == Role.MANAGER


def test_only_members_who_manage_the_team_may_change_it(owner: User) -> None:
    manager = make_member("manager")
    scanner = make_member("scanner")
    for actor in (manager, scanner):
        with pytest.raises(TeamError) as refused:
            invite_member(actor=actor, email="x@example.com", role="owner", link_base=LINK_BASE)
        assert (refused.value.code, refused.value.http_status) == (TeamErrorCode.PERMISSION_DENIED, 403)
        with pytest.raises(TeamError):
            change_role(actor=actor, user=scanner, role="owner")
        with pytest.raises(TeamError):
            remove_member(actor=actor, user=scanner)
    assert role_of(scanner) == Role.SCANNER


def test_changing_roles_and_the_last_owner_cannot_be_demoted(owner: User) -> None:
    analyst = make_member("analyst")
    assert change_role(actor=owner, user=analyst, role="manager").role == Role.MANAGER
    assert role_of(User.objects.get(pk=analyst.pk)) == Role.MANAGER

    with pytest.raises(TeamError) as refused:
        change_role(actor=owner, user=owner, role="manager")
    assert refused.value.code == TeamErrorCode.LAST_OWNER
    assert role_of(User.objects.get(pk=owner.pk)) == Role.OWNER

    change_role(actor=owner, user=analyst, role="owner")
    demoted = change_role(actor=owner, user=owner, role="analyst")  # another owner exists now
    assert demoted.role == Role.ANALYST
    assert Membership.objects.get(user=owner).role == Role.ANALYST  # the implicit owner got a row
    assert not has_permission(owner, Permission.MANAGE_TEAM)  # the same object forgot its old role
    assert LogEntry.objects.filter(action="team.role_changed", object_id=owner.pk).exists()


def test_removing_a_member_ends_their_access_but_not_the_last_owner(owner: User) -> None:
    scanner = make_member("scanner", password="a long password here")
    remove_member(actor=owner, user=scanner)
    scanner.refresh_from_db()
    assert not scanner.is_active and not scanner.has_usable_password()
    assert not Membership.objects.filter(user=scanner).exists()
    assert role_of(scanner) is None
    with pytest.raises(TeamError) as again:
        remove_member(actor=owner, user=scanner)
    assert again.value.code == TeamErrorCode.NOT_A_MEMBER

    with pytest.raises(TeamError) as last:
        remove_member(actor=owner, user=owner)
    assert last.value.code == TeamErrorCode.LAST_OWNER
    assert User.objects.get(pk=owner.pk).is_active


def test_a_removed_member_can_be_invited_again(owner: User) -> None:
    analyst = make_member("analyst", email="ana@example.com")
    remove_member(actor=owner, user=analyst)
    member = invite_member(actor=owner, email="ana@example.com", role="scanner", link_base=LINK_BASE)
    assert member.user.pk == analyst.pk and member.user.is_active
    assert role_of(User.objects.get(pk=analyst.pk)) == Role.SCANNER


def test_the_system_acts_without_a_person_and_outsiders_have_no_role() -> None:
    require_permission(None, Permission.MANAGE_CATALOG)  # tasks, commands and tests
    outsider = User.objects.create_user("outsider@example.com", "pw", is_staff=False)
    assert role_of(outsider) is None
    with pytest.raises(TeamError) as refused:
        require_permission(outsider, Permission.VIEW_REPORTS)
    assert refused.value.http_status == 403
