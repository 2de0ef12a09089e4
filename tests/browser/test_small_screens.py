"""On a 375-pixel phone the public pages' tables reflow: nothing is cut off or scrolls
sideways, and each value still says which column it belongs to."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.factories import CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_public_tables_fit_a_phone(browser, live_server, language):
    start = timezone.localdate() + datetime.timedelta(days=20)
    SessionFactory(
        course=CourseFactory(title="Management des équipes pluridisciplinaires à distance"),
        start_date=start,
        end_date=start + datetime.timedelta(days=2),
        location="Villeneuve-lès-Avignon, salle des Remparts",
    )
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, locale=language, is_mobile=True
    )
    page: Page = context.new_page()
    for path in ("/", "/privacy/"):
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width} px wide in {language}"
    page.goto(live_server.url + "/")
    seats = page.locator("td[data-label]").last
    expect(seats).to_be_visible()
    label = page.evaluate(
        "(el) => getComputedStyle(el, '::before').content", seats.element_handle()
    )
    assert label.strip('"') in {"Places restantes", "Seats left"}
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"catalogue-375-{language}.png", full_page=True)
    context.close()


def test_the_banner_buttons_centre_their_labels(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr")
    page = context.new_page()
    page.goto(live_server.url + "/")
    for name in ("Tout accepter", "Personnaliser"):
        button = (
            page.locator("#cookie-banner")
            .get_by_role("link", name=name)
            .or_(page.locator("#cookie-banner").get_by_role("button", name=name))
        )
        box = button.bounding_box()
        text = page.evaluate(
            """(el) => { const r = document.createRange(); r.selectNodeContents(el);
                         const b = r.getBoundingClientRect(); return b.top + b.height / 2; }""",
            button.element_handle(),
        )
        assert abs(text - (box["y"] + box["height"] / 2)) < 3, name
    context.close()
