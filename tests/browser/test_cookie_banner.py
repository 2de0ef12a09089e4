"""The cookie banner and panel in a real Chromium: nothing before consent, refusal as easy
as acceptance, a panel by purpose from every page, and all of it without JavaScript too."""

import datetime
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
import time_machine
from django.core import signing
from playwright.sync_api import Browser, Page, expect

from cookies import registry
from cookies.models import ConsentLog

pytestmark = pytest.mark.django_db(transaction=True)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
NECESSARY = set(registry.cookie_names({registry.NECESSARY}))


def names(page: Page) -> set[str]:
    return {cookie["name"] for cookie in page.context.cookies()}


@pytest.mark.policy("C1")
@pytest.mark.policy("C6")
def test_a_first_visit_shows_the_banner_and_sets_or_fetches_nothing_else(
    page: Page, live_server, session
):
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(live_server.url + "/")

    banner = page.get_by_role("region", name="Vos choix de cookies")
    expect(banner).to_be_visible()
    expect(banner).to_be_focused()
    assert names(page) <= NECESSARY
    origin = urlparse(live_server.url).netloc
    assert all(urlparse(url).netloc == origin for url in requested)
    assert not any("audience.js" in url for url in requested)


@pytest.mark.policy("C2")
def test_the_three_buttons_have_the_same_size(page: Page, live_server, db):
    page.goto(live_server.url + "/")

    boxes = [page.locator(".cookie-banner .cookie-btn").nth(i).bounding_box() for i in range(3)]
    assert len({(round(b["width"]), round(b["height"])) for b in boxes}) == 1


@pytest.mark.policy("C5")
@pytest.mark.policy("K4")
def test_refusing_is_one_click_and_holds_on_every_page(page: Page, live_server, session):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Refuser les cookies non essentiels").click()

    expect(page.locator("#cookie-banner")).to_have_count(0)
    expect(page.locator("#content")).to_be_focused()
    choice = next(c for c in page.context.cookies() if c["name"] == "cookie_consent")
    assert choice["expires"] - time.time() <= 183 * 24 * 3600
    for path in ("/", f"/sessions/{session.pk}/", "/privacy/"):
        page.goto(live_server.url + path)
        expect(page.locator("#cookie-banner")).to_have_count(0)
        assert "audience.js" not in page.content()
    assert names(page) <= NECESSARY
    assert ConsentLog.objects.get().action == ConsentLog.Action.REFUSE_ALL


@pytest.mark.policy("C3")
@pytest.mark.policy("C4")
@pytest.mark.policy("C6")
def test_audience_is_enabled_from_the_footer_then_withdrawn(page: Page, live_server, session):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Refuser les cookies non essentiels").click()

    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    page.get_by_role("link", name="Préférences cookies").click()
    panel = page.get_by_role("dialog", name="Préférences cookies")
    expect(panel).to_be_visible()
    with page.expect_request("**/static/cookies/audience.js"):
        panel.get_by_role("switch", name="Autoriser : Mesure d'audience").check()
        panel.get_by_role("button", name="Enregistrer mes choix").click()
    expect(panel).to_be_hidden()
    # Polled from here: the page's CSP forbids the eval() that wait_for_function needs.
    deadline = time.monotonic() + 10
    while "audience_id" not in names(page) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert "audience_id" in names(page)
    page.reload()
    assert 'src="/static/cookies/audience.js"' in page.content()

    page.get_by_role("link", name="Préférences cookies").click()
    page.get_by_role("switch", name="Autoriser : Mesure d'audience").uncheck()
    page.get_by_role("dialog").get_by_role("button", name="Enregistrer mes choix").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert "audience_id" not in names(page)
    actions = list(ConsentLog.objects.order_by("pk").values_list("action", "categories"))
    assert actions == [("refuse_all", []), ("custom", ["audience"]), ("custom", [])]


@pytest.mark.policy("C2")
@pytest.mark.policy("C5")
def test_without_javascript_the_three_buttons_work(browser: Browser, live_server, db):
    for action in ("Tout accepter", "Refuser les cookies non essentiels", "Personnaliser"):
        context = browser.new_context(java_script_enabled=False, locale="fr-FR")
        page = context.new_page()
        page.goto(live_server.url + "/privacy/")
        page.get_by_role("region").get_by_role(
            "button" if action != "Personnaliser" else "link", name=action
        ).click()
        if action == "Personnaliser":
            expect(page.get_by_role("heading", name="Préférences cookies", level=1)).to_be_visible()
            page.locator("main").get_by_role("switch", name="Autoriser : Mesure d'audience").check()
            page.locator("main").get_by_role("button", name="Enregistrer mes choix").click()
        expect(page).to_have_url(live_server.url + "/privacy/")
        expect(page.locator("#cookie-banner")).to_have_count(0)
        context.close()
    actions = list(ConsentLog.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["accept_all", "refuse_all", "custom"]


def test_an_outdated_choice_brings_the_banner_back(page: Page, live_server, db, monkeypatch):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Tout accepter").click()
    expect(page.locator("#cookie-banner")).to_have_count(0)
    page.reload()
    expect(page.locator("#cookie-banner")).to_have_count(0)

    monkeypatch.setattr(registry, "version", lambda: "a-newer-registry")
    page.reload()

    expect(page.locator("#cookie-banner")).to_be_visible()
    assert "audience.js" not in page.content()


@pytest.mark.policy("K4")
def test_a_choice_older_than_six_months_brings_the_banner_back(page: Page, live_server, db):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Tout accepter").click()
    expect(page.locator("#cookie-banner")).to_have_count(0)
    choice = next(c for c in page.context.cookies() if c["name"] == "cookie_consent")
    # A browser that kept the cookie past its Max-Age: the signature's date still counts.
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(days=190)):
        aged = signing.dumps(
            signing.loads(choice["value"], salt="cookies.choice"), salt="cookies.choice"
        )
    page.context.add_cookies([{**choice, "value": aged}])

    page.reload()

    expect(page.locator("#cookie-banner")).to_be_visible()
    assert "audience.js" not in page.content()


def test_the_panel_shows_a_choice_made_without_reload(page: Page, live_server, db):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Tout accepter").click()
    expect(page.locator("#cookie-banner")).to_have_count(0)

    page.get_by_role("link", name="Préférences cookies").click()

    expect(
        page.get_by_role("dialog").get_by_role("switch", name="Autoriser : Mesure d'audience")
    ).to_be_checked()


@pytest.mark.policy("C2")
def test_the_banner_works_with_the_keyboard_and_gives_focus_back(page: Page, live_server, db):
    page.goto(live_server.url + "/")
    expect(page.locator("#cookie-banner")).to_be_focused()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Personnaliser":
            break
    page.keyboard.press("Enter")
    switch = page.get_by_role("dialog").get_by_role("switch", name="Autoriser : Mesure d'audience")
    switch.focus()
    page.keyboard.press("Space")
    page.get_by_role("dialog").get_by_role("button", name="Enregistrer mes choix").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.locator("#content")).to_be_focused()
    assert ConsentLog.objects.get().categories == ["audience"]


@pytest.mark.policy("C5")
def test_on_a_phone_the_banner_leaves_the_page_readable(browser: Browser, live_server, db):
    context = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 640})
    page = context.new_page()
    page.goto(live_server.url + "/privacy/")

    page.mouse.wheel(0, 1500)
    page.wait_for_timeout(200)
    banner = page.locator("#cookie-banner").bounding_box()
    assert banner["y"] + banner["height"] <= 0  # scrolled away with the page, not stuck on top
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("#cookie-banner [data-cookie-panel]").click()
    overflow = page.evaluate(
        "[...document.querySelectorAll('#cookie-panel .cookie-table-wrap')]"
        ".some(w => w.getBoundingClientRect().right > document.documentElement.clientWidth)"
    )
    assert not overflow
    context.close()


@pytest.mark.policy("K5")
def test_the_audience_cookie_is_never_extended_by_later_visits(page: Page, live_server, session):
    page.goto(live_server.url + "/")
    with page.expect_request("**/cookies/audience/"):
        page.get_by_role("button", name="Tout accepter").click()
    first = next(c for c in page.context.cookies() if c["name"] == "audience_id")
    assert first["expires"] - time.time() <= 393 * 24 * 3600

    page.wait_for_timeout(1500)
    with page.expect_request("**/cookies/audience/"):
        page.goto(f"{live_server.url}/sessions/{session.pk}/")

    again = next(c for c in page.context.cookies() if c["name"] == "audience_id")
    assert (again["value"], again["expires"]) == (first["value"], first["expires"])


@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_screenshots_of_the_banner_and_the_panel(browser: Browser, live_server, db, locale):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(locale=locale, viewport={"width": 1100, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/")
    expect(page.locator("#cookie-banner")).to_be_visible()
    page.screenshot(path=ARTIFACTS / f"cookie-banner-{locale}.png")
    page.locator("#cookie-banner [data-cookie-panel]").click()
    expect(page.locator("#cookie-panel")).to_be_visible()
    page.screenshot(path=ARTIFACTS / f"cookie-panel-{locale}.png")
    title = "Your choice of cookies" if locale == "en-GB" else "Vos choix de cookies"
    assert page.get_by_role("heading", name=title).count() == 1
    context.close()
    assert (ARTIFACTS / f"cookie-panel-{locale}.png").stat().st_size > 10_000


def test_no_page_breaks_the_content_security_policy(page: Page, live_server, session):
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )

    # The preferences page is the form without a banner: the banner is clicked on "/".
    for path in ("/cookies/preferences/", f"/sessions/{session.pk}/register/", "/privacy/", "/"):
        page.goto(live_server.url + path)
    page.locator("#cookie-banner").get_by_role("button", name="Tout accepter").click()
    page.reload()

    assert violations == []
