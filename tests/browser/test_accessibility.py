"""axe-core on every page, signed out and signed in, light and dark: no serious or critical issue.

axe-core (tests/vendor/axe-core, MPL-2.0) is injected by Playwright; the page's CSP forbids
inline and foreign scripts, so these contexts bypass it (the pages themselves are unchanged).
"""
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.support import factories
from webapp.accounts.tokens import issue_token
from webapp.extensions import db
from webapp.focus import services as focus
from webapp.insights.sample import add_session, seed_history
from webapp.models import FocusSession, Task, utcnow
from webapp.rooms import presence
from webapp.rooms import services as rooms
from webapp.rules.session_status import STATUS_LABELS

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def world(live_server):
    """A person with history in every status, a task, a token, a running room and a listed one."""
    with live_server.app.app_context():
        ada = factories.make_user("ada", timezone="Europe/Berlin", display_name="Ada")
        bo = factories.make_user("bo", display_name="Bo")
        factories.make_user("cy", display_name="Cy")
        seed_history(ada, 10, seed=3)
        start = utcnow() - timedelta(hours=3)
        for offset, status in enumerate(STATUS_LABELS):
            if status != "running":
                session = add_session(ada, start + timedelta(minutes=30 * offset), 25, score=20 + 15 * offset,
                                      interruptions=[("phone", 5, 2)], source="room" if offset % 2 else "solo")
                session.status = status
        task = Task(user_id=ada.id, title="Draft section 2", estimated_pomodoros=2)
        db.session.add(task)
        issue_token(ada)
        db.session.commit()
        solo = focus.start_solo(ada, target_minutes=25, intention="Draft section 2")
        focus.end_solo(ada)  # a finished solo Pomodoro: its page asks for the check-in
        running = rooms.create_room(ada, {"name": "Morning writing", "is_public": True}, utcnow())
        rooms.control(running, ada, "start", utcnow())
        listed = rooms.create_room(ada, {"name": "Quiet library", "is_public": True}, utcnow())
        for room in (running, listed):  # someone is on the page, so the directory lists them
            presence.connect(room, ada.id, utcnow())
        session = db.session.scalars(select(FocusSession).where(FocusSession.user_id == ada.id,
                                                                FocusSession.interruptions.any())
                                     .order_by(FocusSession.id.desc())).first()
        session.checkin, session.intention = "partly", "Draft section 2"  # insights' check-in breakdown
        db.session.commit()
        from webapp.messages import services as messages
        first = messages.send_to(bo, ada, "Same time tomorrow? https://example.com/plan", utcnow())
        reply = messages.send_to(ada, bo, "Yes, 9:00 in Morning writing.", utcnow())
        return {"room": running.code, "session": session.id, "interruption": session.interruptions[0].id,
                "task": task.id, "conversation": first.conversation_id, "message": first.id, "reply": reply.id,
                "solo": solo.code}


def anonymous_pages(world) -> list[str]:
    return ["/", "/login", "/register", "/guest", "/rooms", "/rooms/join", f"/r/{world['room']}",
            "/u/ada", "/nowhere", "/offline"]


def signed_in_pages(world) -> list[str]:
    session, room = world["session"], world["room"]
    return ["/", "/focus", "/rooms", "/rooms/new", "/rooms/join", f"/r/{room}", f"/r/{room}/results",
            "/history", "/history/new", f"/history/{session}/edit", f"/history/{session}/delete",
            f"/history/{session}/interruptions/new", f"/interruptions/{world['interruption']}/edit",
            "/insights", "/tasks", f"/tasks/{world['task']}/edit", f"/tasks/{world['task']}/delete",
            "/settings", "/settings/tokens/revoke-all", "/u/ada", "/u/bo", "/nowhere", f"/r/{world['solo']}",
            "/messages", f"/messages/c/{world['conversation']}", "/messages/to/cy",
            f"/messages/m/{world['message']}/report", f"/messages/m/{world['reply']}/delete",
            "/achievements", "/leaderboard", "/leaderboard?scope=global&period=day", "/offline"]


SETTLED = """async () => {
    // Colour contrast is only meaningful once fonts are in and finite transitions have ended:
    // a fade or a colour transition caught half-way reads as a contrast failure under load.
    await document.fonts.ready;
    await Promise.all(document.getAnimations()
        .filter((animation) => Number.isFinite(animation.effect?.getComputedTiming().endTime))
        .map((animation) => animation.finished.catch(() => null)));
}"""


def axe_problems(page) -> list[str]:
    page.evaluate(SETTLED)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""(tags) => axe.run(document, {runOnly: {type: "tag", values: tags},
                                                           resultTypes: ["violations"]})""", WCAG_AA)
    problems = []
    for violation in result["violations"]:
        if violation["impact"] in BLOCKING:
            for node in violation["nodes"][:5]:
                summary = " ".join(node["failureSummary"].split())[:240]
                problems.append(f"{violation['id']} ({violation['impact']}) {node['target']}: {summary}")
    return problems


def check_pages(browser, live_server, scheme, paths, username=None) -> list[str]:
    context = browser.new_context(bypass_csp=True, color_scheme=scheme, viewport={"width": 390, "height": 844})
    page = context.new_page()
    if username:
        page.goto(live_server.url + "/login")
        page.get_by_label("Username or email").fill(username)
        page.get_by_label("Password").fill(factories.DEFAULT_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("Welcome back")).to_be_visible()
    problems = []
    for path in paths:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        problems += [f"{scheme} {path}: {problem}" for problem in axe_problems(page)]
    context.close()
    return problems


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_signed_out_pages_have_no_serious_accessibility_problems(live_server, world, browser, scheme):
    problems = check_pages(browser, live_server, scheme, anonymous_pages(world))
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_signed_in_pages_have_no_serious_accessibility_problems(live_server, world, browser, scheme):
    problems = check_pages(browser, live_server, scheme, signed_in_pages(world), username="ada")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_focus_shows_a_clear_ring(live_server, browser, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(live_server.url + "/login")
    rings = []
    for _ in range(6):  # skip link, brand, navigation, the form's fields and button
        page.keyboard.press("Tab")
        rings.append(page.evaluate("""() => { const style = getComputedStyle(document.activeElement);
            return [document.activeElement.tagName, style.outlineStyle, parseFloat(style.outlineWidth)]; }"""))
    context.close()
    assert all(style == "solid" and width >= 2 for _, style, width in rings), rings
