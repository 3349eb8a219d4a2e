"""The signed-in user and their member read in one query (community/auth.py)
and the session by one written-out query (community/sessions.py), with
Django's answers: an inactive user, a changed password, an expired or unknown
session are signed out as before."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user as django_get_user
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community import auth
from community.models import Member
from community.queries import member_of

pytestmark = pytest.mark.django_db

MEMBER_TABLE = f'"{Member._meta.db_table}"'


def signed_in_request(client, url: str = "/fil/commune/"):
    return client.get(url).wsgi_request


def test_the_member_comes_with_the_user_in_one_query(client, member):
    client.force_login(member.user)
    request = signed_in_request(client)
    fresh = type(request)(request.environ)
    fresh.session = request.session
    with CaptureQueriesContext(connection) as queries:
        user = auth.get_user(fresh)
        found = member_of(user)
    assert user == member.user and found == member
    assert found.household.neighbourhood == member.household.neighbourhood
    assert found.town == member.town
    assert len(queries) == 1
    assert MEMBER_TABLE in queries[0]["sql"]
    assert user == django_get_user(fresh)


def test_a_user_without_a_member_has_none(client, django_user_model):
    user = django_user_model.objects.create_user("staff@example.org", "x@y.z", "pw")
    client.force_login(user)
    request = signed_in_request(client, "/")
    assert request.user == user
    assert member_of(request.user) is None


def test_a_page_reads_one_query_less(client, member):
    client.force_login(member.user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("feeds:town")).status_code == 200
    # No query of the member by its user: it came with the user.
    by_user = f'{MEMBER_TABLE}."user_id" ='
    assert not [q for q in queries if by_user in q["sql"]]
    sessions = [q for q in queries if f'"{Session._meta.db_table}"' in q["sql"]]
    assert len(sessions) == 1


def test_an_inactive_user_is_signed_out(client, member):
    client.force_login(member.user)
    type(member.user).objects.filter(pk=member.user.pk).update(is_active=False)
    assert client.get(reverse("feeds:town")).status_code == 302


def test_a_changed_password_signs_other_sessions_out(client, member):
    client.force_login(member.user)
    assert client.get(reverse("feeds:town")).status_code == 200
    member.user.set_password("un-autre-mot-de-passe")
    member.user.save()
    answer = client.get(reverse("feeds:town"))
    assert answer.status_code == 302
    assert not Session.objects.filter(
        session_key=client.cookies[settings.SESSION_COOKIE_NAME].value
    ).exists()


def test_an_expired_or_unknown_session_is_no_one(client, member):
    client.force_login(member.user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(reverse("feeds:town")).status_code == 302
    client.cookies[settings.SESSION_COOKIE_NAME] = "inconnu" * 5
    assert client.get(reverse("feeds:town")).status_code == 302
