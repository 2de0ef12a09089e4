"""Cookie choices without a browser: the forms, the log, the redirect, the gating."""

import datetime
import json
import uuid

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from cookies import registry
from cookies.choice import COOKIE_NAME
from cookies.models import AudienceHit, ConsentLog

pytestmark = pytest.mark.django_db
PREFERENCES = "/cookies/preferences/"
AUDIENCE_SCRIPT = "/static/cookies/audience.js"


def choose(client, action, categories=(), next_url="/", **extra):
    return client.post(
        PREFERENCES, {"action": action, "categories": list(categories), "next": next_url}, **extra
    )


@pytest.mark.policy("C2")
def test_a_first_visit_shows_the_banner_with_three_equal_choices(client):
    html = client.get("/").content.decode()

    banner = html[html.index('id="cookie-banner"') : html.index("</section>")]
    assert banner.count('class="cookie-btn"') == 3
    for label in ("Tout accepter", "Refuser les cookies non essentiels", "Personnaliser"):
        assert label in banner


@pytest.mark.policy("C1")
def test_before_any_choice_only_strictly_necessary_cookies_are_set(client):
    response = client.get("/")

    necessary = set(registry.cookie_names({registry.NECESSARY}))
    assert set(response.cookies) <= necessary
    assert AUDIENCE_SCRIPT not in response.content.decode()


@pytest.mark.policy("C5")
def test_refusing_hides_the_banner_and_keeps_the_site_working(client, session):
    response = choose(client, "refuse_all", next_url=f"/sessions/{session.pk}/")

    assert response.status_code == 303
    assert response["Location"] == f"/sessions/{session.pk}/"
    for path in ("/", f"/sessions/{session.pk}/", f"/sessions/{session.pk}/register/", "/privacy/"):
        page = client.get(path)
        assert page.status_code == 200
        assert 'id="cookie-banner"' not in page.content.decode()
        assert AUDIENCE_SCRIPT not in page.content.decode()


@pytest.mark.policy("K4")
def test_the_choice_cookie_lives_at_most_six_months(client):
    response = choose(client, "refuse_all")

    cookie = response.cookies[COOKIE_NAME]
    # Six calendar months are never shorter than 181 days.
    assert int(cookie["max-age"]) <= 181 * 24 * 3600
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


@pytest.mark.policy("C6")
def test_the_audience_script_is_in_the_page_only_after_consent_to_audience(client):
    choose(client, "save", categories=[])
    assert AUDIENCE_SCRIPT not in client.get("/").content.decode()

    choose(client, "save", categories=["audience"])
    html = client.get("/").content.decode()
    assert f'<script src="{AUDIENCE_SCRIPT}" defer' in html


def _audience_max_age(html: str) -> int:
    return int(html.split('data-max-age="')[1].split('"')[0])


@pytest.mark.policy("C6")
def test_content_wrapped_in_consent_required_is_in_the_page_only_after_that_consent(client):
    from django.template import Context, Template
    from django.test import RequestFactory

    from cookies.choice import choice_read
    from cookies.context_processors import cookie_consent

    template = Template(
        '{% load cookie_consent %}<p>page</p>{% consent_required "audience" %}'
        '<iframe src="https://video.example.org/embed"></iframe>{% end_consent_required %}'
    )

    def rendered() -> str:
        request = RequestFactory().get("/")
        request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
        request.cookie_choice = choice_read(request)
        return template.render(Context(cookie_consent(request)))

    assert "iframe" not in rendered()  # no choice yet
    choose(client, "refuse_all")
    assert "iframe" not in rendered()
    choose(client, "save", categories=["audience"])
    assert '<iframe src="https://video.example.org/embed">' in rendered()
    choose(client, "save", categories=[])
    assert "iframe" not in rendered()


@pytest.mark.policy("K5")
def test_the_audience_cookie_it_sets_never_outlives_the_choice_that_allowed_it(client):
    with time_machine.travel(datetime.datetime(2026, 1, 1, 9, tzinfo=datetime.UTC), tick=False):
        choose(client, "accept_all")
        fresh = _audience_max_age(client.get("/").content.decode())
    with time_machine.travel(datetime.datetime(2026, 4, 11, 9, tzinfo=datetime.UTC), tick=False):
        later = _audience_max_age(client.get("/").content.decode())

    assert fresh <= 180 * 24 * 3600  # within 13 months, and within the choice's 6
    # 100 days after the choice, the cookie may live only the choice's 80 days left.
    assert later == 80 * 24 * 3600


@pytest.mark.policy("K5")
def test_when_the_choice_expires_the_consented_cookies_go_with_it(client):
    with time_machine.travel(datetime.datetime(2026, 1, 1, 9, tzinfo=datetime.UTC), tick=False):
        choose(client, "accept_all")
    client.cookies["audience_id"] = "a-random-id"

    with time_machine.travel(datetime.datetime(2026, 6, 30, 9, tzinfo=datetime.UTC), tick=False):
        still = client.get("/")
    with time_machine.travel(datetime.datetime(2026, 7, 1, 9, tzinfo=datetime.UTC), tick=False):
        expired = client.get("/")

    assert "audience_id" not in still.cookies  # 180 days: the choice still holds
    assert expired.cookies["audience_id"]["max-age"] == 0
    assert 'id="cookie-banner"' in expired.content.decode()


@pytest.mark.policy("C3")
def test_each_choice_is_logged_as_proof_with_what_the_visitor_was_shown(client):
    choose(client, "save", categories=["audience"])
    choose(client, "refuse_all", HTTP_ACCEPT_LANGUAGE="en")
    choose(client, "accept_all")

    log = list(ConsentLog.objects.order_by("created_at", "pk").select_related("registry_version"))
    assert [entry.action for entry in log] == ["custom", "refuse_all", "accept_all"]
    assert [entry.categories for entry in log] == [["audience"], [], ["audience"]]
    assert [entry.language for entry in log] == ["fr", "en", "fr"]
    assert len({entry.consent_id for entry in log}) == 1  # one browser, one consent id
    version = log[0].registry_version
    assert version.version == registry.version()
    assert {c["name"] for c in version.snapshot["cookies"]} == {c.name for c in registry.COOKIES}
    field_names = {field.name for field in ConsentLog._meta.fields}
    assert not field_names & {"ip", "ip_address", "user_agent"}


@pytest.mark.policy("C3")
def test_categories_without_any_cookie_are_listed_but_not_asked_for(client):
    html = client.get(PREFERENCES, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    for label in (
        "Strictly necessary",
        "Audience measurement",
        "Personalisation",
        "Advertising and social media",
    ):
        assert label in html
    assert 'name="categories" value="audience"' in html
    assert 'name="categories" value="advertising"' not in html
    assert choose(client, "save", categories=["advertising"]).status_code == 400


def test_changing_a_cookie_lifetime_asks_every_visitor_again(client, settings):
    choose(client, "accept_all")
    assert 'id="cookie-banner"' not in client.get("/").content.decode()

    settings.COOKIE_CHOICE_MAX_AGE_DAYS = 100

    assert 'id="cookie-banner"' in client.get("/").content.decode()


@pytest.mark.policy("C4")
def test_withdrawing_a_category_expires_its_cookies(client):
    choose(client, "accept_all")
    client.cookies["audience_id"] = "a-random-id"

    response = choose(client, "save", categories=[])

    assert response.cookies["audience_id"]["max-age"] == 0
    assert response.cookies["audience_id"].value == ""


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "/" + "a" * 3000,
    ],
)
def test_the_redirect_after_a_choice_stays_on_this_site(client, target):
    response = choose(client, "refuse_all", next_url=target)

    assert response.status_code == 303
    assert response["Location"] == "/"


def test_a_choice_needs_the_csrf_token(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(PREFERENCES, {"action": "accept_all"})

    assert response.status_code == 403
    assert not ConsentLog.objects.exists()


def test_a_malformed_choice_is_a_400_page_and_logs_nothing(client):
    response = choose(client, "accept_everything", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
    assert choose(client, "save", categories=["necessary"]).status_code == 400
    assert not ConsentLog.objects.exists()


def test_with_javascript_the_choice_answers_json_with_the_scripts_to_load(client):
    response = choose(client, "save", categories=["audience"], HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json()["categories"] == ["audience"]
    assert response.json()["scripts"][0]["src"] == AUDIENCE_SCRIPT
    assert COOKIE_NAME in response.cookies


@pytest.mark.policy("K4")
def test_after_six_months_the_banner_asks_again(client):
    with time_machine.travel(datetime.datetime(2027, 1, 10, 12, tzinfo=datetime.UTC)):
        choose(client, "refuse_all")
    with time_machine.travel(datetime.datetime(2027, 6, 30, 12, tzinfo=datetime.UTC)):
        assert 'id="cookie-banner"' not in client.get("/").content.decode()
    with time_machine.travel(datetime.datetime(2027, 7, 20, 12, tzinfo=datetime.UTC)):
        assert 'id="cookie-banner"' in client.get("/").content.decode()


def test_a_choice_under_an_older_registry_is_asked_again(client):
    client.cookies[COOKIE_NAME] = signing.dumps(
        {"id": str(uuid.uuid4()), "c": ["audience"], "v": "an-older-one"}, salt="cookies.choice"
    )

    html = client.get("/").content.decode()

    assert 'id="cookie-banner"' in html
    assert AUDIENCE_SCRIPT not in html


def test_a_forged_choice_cookie_is_ignored(client):
    client.cookies[COOKIE_NAME] = json.dumps(
        {"id": "x", "c": ["audience"], "v": registry.version()}
    )

    html = client.get("/").content.decode()

    assert 'id="cookie-banner"' in html
    assert AUDIENCE_SCRIPT not in html


@pytest.mark.policy("C7")
def test_the_panel_and_the_privacy_policy_list_every_cookie_of_the_registry(client):
    preferences = client.get(PREFERENCES).content.decode()
    policy = client.get("/privacy/").content.decode()

    for cookie in registry.COOKIES:
        assert f"<code>{cookie.name}</code>" in preferences
        assert f"<code>{cookie.name}</code>" in policy


def test_the_audience_beacon_counts_pages_only_with_consent(client, session):
    page = f"/sessions/{session.pk}/"
    beacon = {
        "data": f'{{"path": "{page}", "returning": true}}',
        "content_type": "application/json",
    }

    client.post("/cookies/audience/", **beacon)
    assert not AudienceHit.objects.exists()

    choose(client, "save", categories=["audience"])
    client.post("/cookies/audience/", **beacon)
    client.post(
        "/cookies/audience/", data='{"path": "/nowhere/at/all"}', content_type="application/json"
    )

    hit = AudienceHit.objects.get()
    assert (hit.page, hit.views, hit.returning) == ("training:session_detail", 1, 1)


def test_public_pages_carry_a_strict_content_security_policy(client):
    csp = client.get("/")["Content-Security-Policy"]

    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_the_dpo_reads_the_consent_log_and_nobody_edits_it(client, db):
    from django.contrib.auth.models import Group, User

    dpo = User.objects.create_user("dpo", password="x", is_staff=True)
    dpo.groups.set(Group.objects.filter(name="DPO"))
    choose(client, "accept_all")
    entry = ConsentLog.objects.get()
    client.force_login(dpo)

    assert client.get(reverse("admin:cookies_consentlog_changelist")).status_code == 200
    page = client.get(reverse("admin:cookies_consentlog_change", args=[entry.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert (
        client.get(reverse("admin:cookies_consentlog_delete", args=[entry.pk])).status_code == 403
    )


def test_the_preferences_page_is_the_form_alone_and_unused_categories_say_so_once(client):
    html = client.get(PREFERENCES, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'id="cookie-banner"' not in html  # the page is the full form (no JavaScript)
    assert html.count("Not used on this site at the moment") == 2  # personalisation, ads
    assert "The site sets no cookie of this kind at the moment." not in html


@pytest.mark.policy("C3")
def test_saving_by_purpose_accepts_exactly_the_categories_ticked(client):
    choose(client, "save", categories=[])
    assert AUDIENCE_SCRIPT not in client.get("/").content.decode()

    choose(client, "save", categories=["audience"])
    assert AUDIENCE_SCRIPT in client.get("/").content.decode()

    log = list(ConsentLog.objects.order_by("pk").values_list("action", "categories"))
    assert log == [("custom", []), ("custom", ["audience"])]


@pytest.mark.policy("C4")
def test_every_public_page_links_to_the_preferences_before_and_after_a_choice(client, session):
    pages = ("/", f"/sessions/{session.pk}/", f"/sessions/{session.pk}/register/", "/privacy/")
    link = f'href="{PREFERENCES}?next='

    for chosen in (False, True):
        if chosen:
            choose(client, "accept_all")
        for path in pages:
            html = client.get(path).content.decode()
            footer = html[html.index("<footer") :]
            assert link in footer and "data-cookie-panel" in footer, (path, chosen)
            # The panel itself is in the page, ready to open without a reload.
            assert 'id="cookie-panel"' in html and 'name="categories"' in html, (path, chosen)
    assert client.get(PREFERENCES).status_code == 200  # and works without JavaScript


@pytest.mark.policy("K5")
def test_with_javascript_a_new_choice_lets_the_audience_cookie_live_no_longer_than_itself(
    client,
):
    response = choose(client, "accept_all", HTTP_ACCEPT="application/json")

    choice_seconds = int(response.cookies[COOKIE_NAME]["max-age"])
    [script] = response.json()["scripts"]
    assert int(script["data"]["max-age"]) <= choice_seconds <= 181 * 24 * 3600
    # The panel and the policy say so too: the audience cookie's lifetime is the choice's.
    panel = client.get(PREFERENCES, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = panel[panel.index("<code>audience_id</code>") :].split("</tr>")[0]
    assert f"{choice_seconds // (24 * 3600)} days" in row


@pytest.mark.policy("K5")
def test_the_audience_cookie_lifetime_is_each_visitors_own_never_another_ones(db):
    from django.test import Client

    early, late = Client(), Client()
    with time_machine.travel(datetime.datetime(2026, 1, 1, 9, tzinfo=datetime.UTC), tick=False):
        choose(early, "accept_all")
    with time_machine.travel(datetime.datetime(2026, 4, 11, 9, tzinfo=datetime.UTC), tick=False):
        choose(late, "accept_all")
        assert _audience_max_age(late.get("/").content.decode()) == 180 * 24 * 3600
        # The same page, a moment later, for a visitor whose choice has 80 days left.
        assert _audience_max_age(early.get("/").content.decode()) == 80 * 24 * 3600


@pytest.mark.policy("K5")
def test_a_choice_under_an_older_registry_takes_its_consented_cookies_with_it(client):
    client.cookies[COOKIE_NAME] = signing.dumps(
        {"id": str(uuid.uuid4()), "c": ["audience"], "v": "an-older-one"}, salt="cookies.choice"
    )
    client.cookies["audience_id"] = "a-random-id"

    response = client.get("/")

    assert response.cookies["audience_id"]["max-age"] == 0  # asked again: nothing allowed
    assert 'id="cookie-banner"' in response.content.decode()


@pytest.mark.policy("C7")
def test_the_list_of_cookies_gives_the_lifetimes_the_site_really_sets(client, settings):
    response = client.get("/")  # its language form sets the CSRF cookie

    csrf = registry.cookie("csrftoken").max_age_days * 24 * 3600
    assert int(response.cookies["csrftoken"]["max-age"]) == csrf
    # Staff sessions end with the browser: the list says so, not a number of days.
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert registry.cookie("sessionid").max_age_days is None
    assert settings.LANGUAGE_COOKIE_AGE is None
    assert registry.cookie("django_language").max_age_days is None
