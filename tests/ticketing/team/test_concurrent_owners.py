"""Two owners demote each other at the same moment, each on its own connection: one stays owner.

Real commits (the ``committed`` fixture) in a reseller provisioned for the test, whose
only owners are the provisioned one and a second.
"""

from __future__ import annotations

import threading
from typing import Any, cast

import pytest
from django.db import connection as default_connection

from accounts.models import User
from core.errors import DomainError
from tenants.models import Tenant
from tenants.services import provision_tenant
from ticketing.team.access import role_of
from ticketing.team.errors import TeamErrorCode
from ticketing.team.roles import Role
from ticketing.team.selectors import owner_ids
from ticketing.team.services import change_role

from ..factories import make_member

connection = cast(Any, default_connection)  # django-tenants adds set_tenant() at run time


@pytest.mark.usefixtures("django_db_setup", "committed")
def test_two_owners_demoting_each_other_at_once_leave_one_owner() -> None:
    provision_tenant(name="Charlie Shows", slug="charlie", owner_email="first@charlie.example")
    charlie = Tenant.objects.get(schema_name="charlie")
    connection.set_tenant(charlie)
    first = User.objects.get(email="first@charlie.example")
    second = make_member("owner", email="second@charlie.example")
    assert owner_ids() == {first.pk, second.pk}
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def demote(actor_id: int, target_id: int, name: str) -> None:
        connection.set_tenant(charlie)
        try:
            actor, target = User.objects.get(pk=actor_id), User.objects.get(pk=target_id)
            start.wait()
            change_role(actor=actor, user=target, role="analyst")
            outcomes[name] = "demoted"
        except DomainError as error:
            outcomes[name] = error.code
        except Exception as error:  # a deadlock or a bug fails the test below
            outcomes[name] = f"crashed:{error!r}"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(first.pk, second.pk, "first demotes second")),
        threading.Thread(target=demote, args=(second.pk, first.pk, "second demotes first")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    connection.set_tenant(charlie)
    assert sorted(outcomes.values()) in (
        sorted(["demoted", TeamErrorCode.LAST_OWNER]),
        sorted(["demoted", TeamErrorCode.PERMISSION_DENIED]),
    ), outcomes
    owners = owner_ids()
    assert len(owners) == 1
    survivor = User.objects.get(pk=owners.pop())
    assert role_of(survivor) == Role.OWNER
    connection.set_schema_to_public()
