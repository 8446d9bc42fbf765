"""The crisis activities: draft, check, notify, publish, review.

Each is declared under its name in `tocsin.names`; the workflow calls them by method
(`workflow.execute_activity_method`), and tests register fakes under the same names.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.publishing import PublishingActivities
from activities.screen import personal_data
from tocsin import metrics, names
from tocsin.channels import Markup, markdown_to_html, measure, profile
from tocsin.guardrails import checked_draft, recheck
from tocsin.mailnotify import MailNotifier
from tocsin.models import (
    CheckRequest,
    CheckResult,
    Draft,
    DraftRequest,
    Finding,
    NotifyRequest,
    NotifyResult,
    PublishedFile,
    PublishRequest,
    PublishResult,
    ReviewRequest,
    ReviewResult,
    Severity,
    StatementText,
)
from tocsin.models.base import MAX_FINDINGS
from tocsin.models.identity import Keyring
from tocsin.models.workflow import (
    CRISIS_ID,
    PublishedText,
    ScreenRequest,
    ScreenResult,
    shown,
)
from tocsin.outbox import (
    PRIVATE,
    Modes,
    OutboxConflict,
    UnsafePath,
    crisis_folder,
    inside,
    review_paths,
    sha256,
    statement_path,
    write_once,
)
from tocsin.publish.accounts import Accounts
from tocsin.publish.errors import PublishError
from tocsin.render import RenderError
from tocsin.review import HistoryError, build_review, fetch_chain
from tocsin.review.html import html
from tocsin.review.report import markdown, summary
from tocsin.smsnotify import SmsNotifier

log = structlog.get_logger("tocsin.activities")
OnceSender = MailNotifier | SmsNotifier  # a notice sent once, whatever the retries
MAX_REPLACED_BYTES = 16 * 1024  # of a published text shown beside its correction
T = TypeVar("T")


class Notifier(Protocol):
    """A front end that shows notices to people (Slack, Matrix). Each ``notify`` is safe to
    repeat: ``retry`` says whether an earlier attempt may have sent something already."""

    async def notify(self, request: NotifyRequest, *, retry: bool = True) -> NotifyResult: ...


class CrisisActivities(PublishingActivities):
    """Activities bound to one worker's outbox and notification folder."""

    def __init__(
        self,
        outbox: Path,
        notifications: Path,
        notifiers: Sequence[Notifier] = (),
        modes: Modes = PRIVATE,
        accounts: Accounts | None = None,
        keyring: Keyring | None = None,
        mail: MailNotifier | None = None,
        sms: SmsNotifier | None = None,
    ) -> None:
        self.outbox = outbox
        self.notifications = notifications
        self.notifiers = tuple(notifiers)  # Slack, Matrix: each configured front end
        self.modes = modes  # of every file and folder written (TOCSIN_FILE_MODE)
        self.accounts = accounts or Accounts()  # TOCSIN_ACCOUNTS; none: the outbox only
        self.keyring = keyring or Keyring()  # TOCSIN_KEYS, or the data folder's; none: no key
        self.mail = mail  # notices by e-mail (TOCSIN_NOTICE_ACCOUNT); none: not by e-mail
        self.sms = sms  # escalations by SMS (TOCSIN_SMS_NOTICE_ACCOUNT); none: not by SMS

    @activity.defn(name=names.TRUST)
    async def trust(self, keyring: Keyring) -> Keyring:
        """The keys a crisis carries that this worker's key file holds too (same id, front end
        and public key): only those may sign its changes."""
        mine = {(k.key_id, k.front, k.public) for k in self.keyring.keys}
        return Keyring(keys=[k for k in keyring.keys if (k.key_id, k.front, k.public) in mine])

    @activity.defn(name=names.DRAFT)
    async def draft(self, request: DraftRequest) -> Draft:
        _bind(request.crisis_id, request.phase.value, request.revision)
        try:
            # Rendering and the guardrails are CPU work (spaCy among it): off the event loop.
            draft = await asyncio.to_thread(checked_draft, request)
        except RenderError as exc:
            # A template that does not render will not render on retry either.
            raise ApplicationError(str(exc), type="RenderError", non_retryable=True) from exc
        draft = draft.model_copy(update={"findings": bounded(draft.findings)})
        log.info(
            "statement.drafted",
            sequence=request.sequence,
            texts=len(draft.texts),
            blocking=len(draft.blocking()),
            findings=len(draft.findings),
        )
        meter = activity.metric_meter()
        metrics.count(meter, metrics.DRAFTED, "Statements drafted", phase=request.phase.value)
        for (rule, severity), found in Counter(
            (f.rule, f.severity.value) for f in draft.findings
        ).items():
            metrics.add(
                meter,
                metrics.FINDINGS,
                "Guardrail findings on drafts",
                found,
                {"rule": rule, "severity": severity},
            )
        return draft

    @activity.defn(name=names.CHECK)
    async def check(self, request: CheckRequest) -> CheckResult:
        """The guardrails over texts a person edited (approve with edits, a revision)."""
        _bind(request.draft.crisis_id, request.draft.phase.value, request.draft.revision)
        draft = request.draft
        texts = [
            item.model_copy(
                update={
                    "measure": measure(item.channel, item.text, draft.playbook.channel_settings)
                }
            )
            for item in request.texts
        ]
        findings = await asyncio.to_thread(recheck, draft, texts)
        replaced = await asyncio.to_thread(self._as_published, request.replaced)
        return CheckResult(findings=bounded(findings), texts=texts, replaced=replaced)

    def _as_published(self, files: list[PublishedText]) -> list[StatementText]:
        """The texts of published files (plain text and Markdown only: a page's HTML is not a
        text to read beside its correction), from inside the outbox alone, bounded."""
        root = self.outbox.resolve()
        found: list[StatementText] = []
        for item in files:
            path = Path(item.path).resolve()
            if not path.is_relative_to(root) or path.suffix not in (".txt", ".md"):
                continue
            try:
                with path.open("rb") as handle:
                    raw = handle.read(MAX_REPLACED_BYTES)
            except OSError:
                continue  # gone from this worker's outbox: the card shows the new text alone
            text = raw.decode("utf-8", "replace").strip()
            found.append(StatementText(channel=item.channel, language=item.language, text=text))
        return found

    @activity.defn(name=names.SCREEN)
    async def screen(self, request: ScreenRequest) -> ScreenResult:
        """R-PRIVACY over what a person sends (a fact, a comment): its blocking findings."""
        _bind(request.crisis_id, None, None)
        findings = await asyncio.to_thread(personal_data, request)
        return ScreenResult(findings=bounded(findings))

    @activity.defn(name=names.NOTIFY)
    async def notify(self, request: NotifyRequest) -> NotifyResult:
        """One record per idempotency key, written once across retries; then each front end
        configured, in turn (their sends are idempotent too: tocsin.slack.notifier,
        tocsin.matrix.notifier). The first front end's answer is the notice's (its card)."""
        _writes_for(request.crisis_id)
        _bind(request.crisis_id, request.phase.value if request.phase else None, request.revision)
        record = request.model_dump(mode="json")
        path = _path(
            lambda: inside(
                crisis_folder(self.notifications, request.crisis_id, exercise=False),
                f"{_safe(request.idempotency_key)}.json",
            )
        )
        written = await asyncio.to_thread(
            write_once,
            path,
            json.dumps(record, ensure_ascii=False, sort_keys=True),
            None,
            self.modes,
        )
        if written:
            log.info(
                "notification",
                kind=request.kind.value,
                to=", ".join(request.recipient_names),
                message=request.message,
            )
        result = NotifyResult(delivered=True, channel="console", reference=str(path))
        retry = activity.info().attempt > 1
        for index, notifier in enumerate(self.notifiers):
            answer = await notifier.notify(request, retry=retry)
            if index == 0:
                result = answer
        if self.mail is not None and self.mail.wanted(request):
            await self._once(self.mail, request, path.with_suffix(".mailed"))
        if self.sms is not None and self.sms.wanted(request):
            await self._once(self.sms, request, path.with_suffix(".texted"))
        if written:
            metrics.count(
                activity.metric_meter(),
                metrics.NOTIFICATIONS,
                "Notices sent to people",
                kind=request.kind.value,
                via=result.channel,
            )
        return result

    async def _once(self, sender: OnceSender, request: NotifyRequest, mark: Path) -> None:
        """The notice by e-mail or SMS, once: the mark on disk says it went (a retry sends
        nothing). A server down is retried with the activity; a refusal (bad password, address
        refused) is logged and not retried: the notice stays in the console and on Slack."""
        if await asyncio.to_thread(mark.exists):
            return
        try:
            sent = await sender.send(request)
        except PublishError as exc:
            if exc.retryable:
                raise
            log.error("notice.refused", account=sender.name, problem=str(exc))
            return
        await asyncio.to_thread(write_once, mark, sent, None, self.modes)
        log.info("notice.sent", kind=request.kind.value, account=sender.name)

    @activity.defn(name=names.PUBLISH)
    async def publish(self, request: PublishRequest) -> PublishResult:
        _writes_for(request.crisis_id)
        _bind(request.crisis_id, request.phase.value, request.revision)
        files: list[PublishedFile] = []
        for item in request.texts:
            path = _path(
                functools.partial(
                    statement_path,
                    self.outbox,
                    request.crisis_id,
                    request.phase,
                    request.sequence,
                    request.channel,
                    item.language,
                    request.exercise,
                    request.correction,
                )
            )
            entry: dict[str, object] = {
                "crisis": request.crisis_id,
                "phase": request.phase.value,
                "sequence": request.sequence,
                "revision": request.revision,
                "channel": request.channel.value,
                "language": item.language,
                "approved_by": request.approved_by,
                "sha256": sha256(item.text),
            }
            outputs = [(path, item.text)]
            if profile(request.channel).markup is Markup.MARKDOWN:
                # The press release also goes out as HTML, rendered from the approved Markdown.
                outputs.append((path.with_suffix(".html"), markdown_to_html(item.text)))
            for target, text in outputs:
                try:
                    written = await asyncio.to_thread(
                        write_once, target, text, {**entry, "sha256": sha256(text)}, self.modes
                    )
                except OutboxConflict as exc:
                    raise ApplicationError(
                        str(exc), type="OutboxConflict", non_retryable=True
                    ) from exc
                files.append(
                    PublishedFile(
                        language=item.language,
                        path=str(target),
                        sha256=sha256(text),
                        written=written,
                    )
                )
            log.info(
                "statement.published",
                channel=request.channel.value,
                language=item.language,
                written=written,
            )
            if written:  # a retry that finds the file already there is not a second publication
                metrics.count(
                    activity.metric_meter(),
                    metrics.PUBLISHED,
                    "Statements published, per channel and language",
                    channel=request.channel.value,
                    language=item.language,
                    phase=request.phase.value,
                )
        return PublishResult(files=files)

    @activity.defn(name=names.REVIEW)
    async def review(self, request: ReviewRequest) -> ReviewResult:
        """The review from the crisis's own history as it stood at ``as_of``, stored in the
        outbox beside the statements. The same history gives the same files: a retry rewrites
        nothing."""
        _writes_for(request.crisis_id)
        _bind(request.crisis_id, None, None)
        paths = _path(lambda: review_paths(self.outbox, request.crisis_id, request.exercise))
        runs = await fetch_chain(activity.client(), request.crisis_id)
        try:
            built = await asyncio.to_thread(build_review, runs, as_of=request.as_of)
        except HistoryError as exc:
            raise ApplicationError(str(exc), type="HistoryError", non_retryable=True) from exc
        contents = {
            paths.html: html(built),
            paths.markdown: markdown(built),
            paths.json: built.model_dump_json(indent=1),
        }
        for path, text in contents.items():
            await asyncio.to_thread(write_once, path, text, None, self.modes)
        log.info("review.stored", folder=str(paths.html.parent))
        return ReviewResult(summary=summary(built), files=[str(p) for p in contents])


def bounded(findings: list[Finding]) -> list[Finding]:
    """At most ``MAX_FINDINGS`` findings, in their order, the blocking ones kept first: a text
    with a thousand phone numbers must not make a draft too big for Temporal."""
    if len(findings) <= MAX_FINDINGS:
        return findings
    blocking = [f for f in findings if f.severity is Severity.BLOCKING][:MAX_FINDINGS]
    room = MAX_FINDINGS - len(blocking)
    warnings = [f for f in findings if f.severity is not Severity.BLOCKING][:room]
    kept = {id(f) for f in blocking + warnings}
    return [f for f in findings if id(f) in kept]


def _bind(crisis: str, phase: str | None, revision: int | None) -> None:
    """Every log line of this activity (Slack, guardrails, outbox included) says which crisis,
    phase and revision it is about. Each activity runs in its own task: nothing leaks."""
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(crisis=crisis, phase=phase, revision=revision)


def _writes_for(crisis: str) -> None:
    """An activity that writes files for a crisis refuses an id outside the pattern first, for
    good: a retry would not mend it. (Drafts and checks write nothing: a preview has none.)"""
    if not CRISIS_ID.fullmatch(crisis):
        raise ApplicationError(
            f"identifiant de crise invalide / bad crisis id: {shown(crisis)}",
            type="InvalidInput",
            non_retryable=True,
        )


def _path(build: Callable[[], T]) -> T:
    """A path built from the request, or a non-retryable refusal when it is not the crisis's
    own (``UnsafePath``)."""
    try:
        return build()
    except UnsafePath as exc:
        raise ApplicationError(str(exc), type="InvalidInput", non_retryable=True) from exc


def _safe(key: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in key)[:200]
