"""What people do in the web console, over HTTP on a real Temporal test server with a worker:
override a blocking finding with a justification, ask for changes and revise, add a fact,
resolve, start a playbook from its form, and read it all in English."""

from __future__ import annotations

import html
import re

import pytest
from temporalio.client import Client

from tests.conftest import Start
from tests.helpers import awaiting, crisis_input, wait_status
from tests.test_guardrails_workflow import OVERRIDE, with_personal_number
from tests.web.console import Console, console_for, csrf_of
from tocsin.config import Settings
from tocsin.i18n import text_in
from tocsin.models import DecisionAction, PhaseName

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def console(client: Client, settings: Settings) -> Console:
    return console_for(client, settings)


def _shown(page: str) -> str:
    return html.unescape(page)


async def test_a_blocking_finding_is_overridden_with_a_justification(
    console: Console, client: Client, start: Start
) -> None:
    crisis = (await start(with_personal_number("web-override"))).crisis_id
    status = await wait_status(client, crisis, awaiting(PhaseName.ACKNOWLEDGE), what="gate")
    assert status.draft is not None
    assert status.draft.blocking()
    browser = await console.signed_in("dominique", "Dominique Lefèvre")
    page = await browser.get(f"/crises/{crisis}")
    assert 'for="override"' in page.text  # the justification field, labelled
    assert "R-PRIVACY" in page.text
    form = {"csrf": csrf_of(page.text), "revision": str(status.revision), "action": "approve"}
    plain = await browser.post(f"/crises/{crisis}/decider", data=form)
    assert plain.status_code == 409
    assert "R-PRIVACY" in _shown(plain.text)
    assert (await wait_status(client, crisis, lambda s: True)).decisions == []
    done = await browser.post(f"/crises/{crisis}/decider", data={**form, "override": OVERRIDE})
    assert done.status_code == 303, done.text
    decided = await wait_status(client, crisis, lambda s: bool(s.decisions))
    override = decided.decisions[0].override
    assert override is not None
    assert override.justification == OVERRIDE
    assert override.rules == ["R-PRIVACY"]


async def test_changes_asked_then_revised_by_the_author_then_approved(
    console: Console, client: Client, start: Start
) -> None:
    crisis = (await start(crisis_input("web-revise"))).crisis_id
    status = await wait_status(client, crisis, awaiting(PhaseName.ACKNOWLEDGE), what="gate")
    assert status.draft is not None
    item = status.draft.texts[0]
    field = f"text__{item.channel.value}__{item.language}"
    director = await console.signed_in("dominique")
    page = await director.get(f"/crises/{crisis}")
    proposal = item.text.replace("Saint-Aubin-sur-Loire", "Saint-Aubin", 1)
    # Asking for changes needs a comment: said, nothing sent.
    ask = {"csrf": csrf_of(page.text), "revision": str(status.revision)}
    empty = await director.post(
        f"/crises/{crisis}/decider", data={**ask, "action": "request_changes"}
    )
    assert empty.status_code == 400
    asked = await director.post(
        f"/crises/{crisis}/decider",
        data={**ask, "action": "request_changes", "comment": "Nom court", field: proposal},
    )
    assert asked.status_code == 303, asked.text
    waiting = await wait_status(client, crisis, lambda s: s.state == "awaiting_revision")
    assert "Nom court" in waiting.change_comment
    assert proposal in waiting.change_comment  # the rewritten text goes to the author

    author = await console.signed_in("camille")
    page = await author.get(f"/crises/{crisis}")
    assert f"/crises/{crisis}/reviser" in page.text
    revised = await author.post(
        f"/crises/{crisis}/reviser",
        data={"csrf": csrf_of(page.text), "revision": str(status.revision), field: proposal},
    )
    assert revised.status_code == 303, revised.text
    fresh = await wait_status(
        client, crisis, lambda s: s.state == "awaiting_approval" and s.revision != status.revision
    )
    assert fresh.draft is not None
    assert fresh.draft.text_for(item.channel, item.language) == proposal.strip()

    page = await director.get(f"/crises/{crisis}")
    approved = await director.post(
        f"/crises/{crisis}/decider",
        data={"csrf": csrf_of(page.text), "revision": str(fresh.revision), "action": "approve"},
    )
    assert approved.status_code == 303
    decided = await wait_status(
        client, crisis, lambda s: any(d.action is DecisionAction.APPROVE for d in s.decisions)
    )
    assert [d.via for d in decided.decisions] == ["web", "web"]


async def test_an_edit_sent_with_plain_approval_is_not_lost(
    console: Console, client: Client, start: Start
) -> None:
    crisis = (await start(crisis_input("web-plain-edit"))).crisis_id
    status = await wait_status(client, crisis, awaiting(PhaseName.ACKNOWLEDGE), what="gate")
    assert status.draft is not None
    item = status.draft.texts[0]
    director = await console.signed_in("dominique")
    page = await director.get(f"/crises/{crisis}")
    answer = await director.post(
        f"/crises/{crisis}/decider",
        data={
            "csrf": csrf_of(page.text),
            "revision": str(status.revision),
            "action": "approve",
            f"text__{item.channel.value}__{item.language}": "Texte réécrit.",
        },
    )
    assert answer.status_code == 400
    assert text_in("fr", "web.edited_but_plain") in _shown(answer.text)
    assert "Texte réécrit." in answer.text  # the typed text is kept in the page
    assert (await wait_status(client, crisis, lambda s: True)).decisions == []


async def test_a_fact_then_the_resolution(console: Console, client: Client, start: Start) -> None:
    crisis = (await start(crisis_input("web-fact"))).crisis_id
    await wait_status(client, crisis, awaiting(PhaseName.ACKNOWLEDGE), what="gate")
    browser = await console.signed_in("camille")
    page = await browser.get(f"/crises/{crisis}")
    added = await browser.post(
        f"/crises/{crisis}/fait", data={"csrf": csrf_of(page.text), "text": "Analyses en cours."}
    )
    assert added.status_code == 303
    status = await wait_status(client, crisis, lambda s: bool(s.facts))
    assert (status.facts[0].person, status.facts[0].text) == ("camille", "Analyses en cours.")
    page = await browser.get(f"/crises/{crisis}")
    assert text_in("fr", "web.done.fact") in _shown(page.text)  # said once, after the redirect
    resolved = await browser.post(
        f"/crises/{crisis}/resoudre", data={"csrf": csrf_of(page.text), "summary": "Eau rétablie."}
    )
    assert resolved.status_code == 303, resolved.text
    assert (await wait_status(client, crisis, lambda s: s.resolved)).resolved


async def test_a_playbook_started_from_its_form(
    console: Console, client: Client, start: Start
) -> None:
    browser = await console.signed_in("camille")
    listed = await browser.get("/lancer")
    assert '/lancer/eau-non-potable"' in listed.text
    form = await browser.get("/lancer/eau-non-potable")
    assert 'value="Saint-Aubin-sur-Loire"' in form.text  # the examples, filled in
    fields = dict(re.findall(r'name="(p\.\w+)" value="([^"]*)"', _shown(form.text)))
    fields.update(
        re.findall(r'name="(p\.\w+)" rows="\d+"[^>]*>([^<]*)</textarea>', _shown(form.text))
    )
    assert "p.commune" in fields
    assert "p.cause" in fields
    base = {"csrf": csrf_of(form.text), "key": "web-form", **fields}
    bad = await browser.post("/lancer/eau-non-potable", data={**base, "p.hotline": "pas un numéro"})
    assert bad.status_code == 400
    assert 'aria-invalid="true"' in bad.text
    assert 'id="e-hotline"' in bad.text
    started = await browser.post("/lancer/eau-non-potable", data=base)
    assert started.status_code == 303, started.text
    crisis = started.headers["location"].removeprefix("/crises/")
    start.ids.append(crisis)
    assert crisis == "crisis-eau-non-potable-web-form"
    status = await wait_status(client, crisis, lambda s: s.phase is not None)
    assert status.people  # the playbook's snapshot
    description = await client.get_workflow_handle(crisis).describe()
    assert (await description.memo())["triggered_by"] == "camille"


async def test_the_console_in_english(console: Console, client: Client, start: Start) -> None:
    crisis = (await start(crisis_input("web-english", person="dominique"))).crisis_id
    status = await wait_status(client, crisis, awaiting(PhaseName.ACKNOWLEDGE), what="gate")
    browser = await console.signed_in("dominique")
    page = await browser.get(f"/crises/{crisis}?lang=en")
    assert '<html lang="en">' in page.text
    assert text_in("en", "web.approve_with_edits") in page.text
    refused = await browser.post(
        f"/crises/{crisis}/decider",
        data={"csrf": csrf_of(page.text), "revision": str(status.revision), "action": "approve"},
    )
    assert refused.status_code == 409
    said = text_in("en", "refuse.SelfApproval", person="Dominique Lefèvre", revision=1)
    assert said in _shown(refused.text)
