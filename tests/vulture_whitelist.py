"""Names vulture (``make lint``) takes for dead code but that are read where it cannot look.

Each is a field of data that leaves or enters Python as JSON, YAML or a gettext header: a
playbook's YAML, an activity's result or the state recorded in the workflow's history (read by
people in the web UI and by the review), the review's JSON report, a catalogue's header.
Framework callbacks, validators and rules are ignored by name or decorator in pyproject.toml
(``[tool.vulture]``). Never imported: vulture
reads it, mypy and ruff check that every name here still exists.
"""

from __future__ import annotations

from babel.messages.catalog import Catalog

from tests.test_publish_mail import Handler
from tocsin.models import Ack, Gate, MediaPeople, NotifyResult, Person
from tocsin.models.delivery import Delivery
from tocsin.publish.accounts import StatusSiteAccount
from tocsin.publish.models import AccountKind
from tocsin.review.model import PhaseReview, RunInfo
from tocsin.site.pages import StatementView
from tocsin.site.serve import _Handler
from tocsin.web.present import CrisisView
from tocsin.web.serve import _Embedded
from workflows.tasks import TasksMixin


def _site_templates(view: StatementView) -> object:
    """What the status site's templates read (tocsin/site/templates)."""
    return view.published_iso, view.previous


def _console_templates(view: CrisisView, server: _Embedded) -> object:
    """What the web console's templates read (tocsin/web/templates), and what uvicorn reads."""
    return view.state_label, view.general_findings, server.should_exit


HEADER = Catalog()  # the header fields are an instance's
_ = (
    MediaPeople.NONE,  # playbook YAML: who an image shows
    MediaPeople.CROWD,
    Person.email,  # playbook YAML: a person's address
    Ack.recorded_at,  # update results, in history
    Gate.opened_at,  # the workflow's state, in history
    NotifyResult.delivered,  # the notify activity's result, in history
    NotifyResult.reference,
    PhaseReview.approved_via,  # the review's JSON report
    PhaseReview.warnings,
    RunInfo.ended_at,
    HEADER.project,  # a catalogue's header, written into the .po by Babel's write_po
    HEADER.copyright_holder,
    HEADER.msgid_bugs_address,
    HEADER.last_translator,
    HEADER.language_team,
    HEADER.header_comment,
    _site_templates,
    _console_templates,
    _Handler.list_directory,  # http.server calls it for a folder: the status site lists none
    StatusSiteAccount.base_url,  # accounts YAML: the status site's address (site not built yet)
    AccountKind.STATUS_SITE,  # a Publication's kind, once the status site publishes
    Handler.handle_DATA,  # aiosmtpd calls its handler's hooks by name
    Handler.handle_MAIL,
    Delivery.requested_at,  # kept in state and history: when the workflow asked for the post
    TasksMixin.task_timers,  # the reminders' coroutine, held so that it is not collected
    _Embedded.capture_signals,  # uvicorn calls it: the console embedded installs no handler
)
