"""The activities a crisis runs, each called by method with its retry policy and timeout, and
what the workflow records of their results in its state.

Workflow code: called from `CrisisWorkflow`'s coroutines, deterministic, no clock but
``workflow.now()``.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.crisis import CrisisActivities
    from tocsin.models import (
        Channel,
        CheckRequest,
        CheckResult,
        CorrectionRequest,
        CrisisInput,
        CrisisState,
        Decision,
        Draft,
        DraftRequest,
        EditDiff,
        EventKind,
        Finding,
        Gate,
        NotifyRequest,
        NotifyResult,
        PhaseName,
        Publication,
        PublishRequest,
        ReviewRequest,
        ReviewResult,
        RevisionRequest,
        StatementText,
    )
    from tocsin.models.identity import Keyring
    from tocsin.models.workflow import PublishedText, ScreenRequest
    from tocsin.statements import apply_edits
    from workflows import caps, rules

RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
)
# Short start-to-close timeouts: a killed worker's activity is retried elsewhere within seconds.
SHORT = timedelta(seconds=15)
REVIEW_TIMEOUT = timedelta(minutes=2)


async def draft(
    crisis: CrisisInput, state: CrisisState, phase: PhaseName, sequence: int, author: str, note: str
) -> Draft:
    """A new revision of the phase's statement, drafted from the crisis as it stands."""
    now = workflow.now()
    state.revision_counter += 1
    drafted = await workflow.execute_activity_method(
        CrisisActivities.draft,
        rules.draft_request(
            crisis,
            state,
            phase=phase,
            sequence=sequence,
            author=author,
            note=note,
            revision=state.revision_counter,
            next_update=rules.announced_update(crisis, phase, now),
            now=now,
        ),
        start_to_close_timeout=SHORT,
        retry_policy=RETRY,
    )
    rules.record(
        state,
        EventKind.DRAFTED,
        workflow.now(),
        phase=phase,
        sequence=sequence,
        revision=drafted.revision,
        person=author,
        detail=f"{len(drafted.texts)} textes",
    )
    return drafted


async def edit(
    crisis: CrisisInput, state: CrisisState, gate: Gate, request: RevisionRequest
) -> Draft:
    """A new revision from the author's own edits to the gate's draft, the edited texts checked
    again by the guardrails."""
    base = gate.draft
    texts, diffs = apply_edits(base, request.edits)
    findings = base.findings
    if diffs:
        texts, findings = await recheck(crisis, state, gate, texts, diffs)
    state.revision_counter += 1
    now = workflow.now()
    edited = base.model_copy(
        update={
            "revision": state.revision_counter,
            "author": request.person,
            "drafted_at": now,
            "texts": texts,
            "note": request.note,
            "findings": findings,
        }
    )
    rules.record(
        state,
        EventKind.DRAFTED,
        now,
        phase=gate.phase,
        sequence=gate.sequence,
        revision=edited.revision,
        person=request.person,
        detail="edited",
    )
    return edited


async def correction(crisis: CrisisInput, state: CrisisState, request: CorrectionRequest) -> Draft:
    """The draft of a correction: the corrected texts only, measured and checked by the
    guardrails like any statement's."""
    state.revision_counter += 1
    now = workflow.now()
    note = f"Correction : {request.reason.strip()}"
    result = await _check(
        rules.draft_request(
            crisis,
            state,
            phase=request.phase,
            sequence=request.sequence,
            author=request.person,
            note=note,
            revision=state.revision_counter,
            next_update=None,
            now=now,
        ),
        [StatementText(channel=e.channel, language=e.language, text=e.text) for e in request.edits],
        _published(state, request),
    )
    rules.record(
        state,
        EventKind.DRAFTED,
        workflow.now(),
        phase=request.phase,
        sequence=request.sequence,
        revision=state.revision_counter,
        person=request.person,
        detail="correction",
    )
    return Draft(
        phase=request.phase,
        sequence=request.sequence,
        revision=state.revision_counter,
        author=request.person,
        drafted_at=now,
        texts=result.texts,
        note=note,
        findings=result.findings,
        replaces=result.replaced,
    )


def _published(state: CrisisState, request: CorrectionRequest) -> list[PublishedText]:
    """The latest published file of each text the correction edits."""
    edited = {(e.channel, e.language) for e in request.edits}
    latest: dict[tuple[Channel, str], str] = {}
    for item in state.publications:
        same = (item.phase, item.sequence) == (request.phase, request.sequence)
        if same and (item.channel, item.language) in edited:
            latest[(item.channel, item.language)] = item.path
    return [PublishedText(channel=c, language=lang, path=p) for (c, lang), p in latest.items()]


async def _check(
    request: DraftRequest, texts: list[StatementText], replaced: list[PublishedText] | None = None
) -> CheckResult:
    """The guardrails over texts a person wrote, each measured against its channel's limit
    (and, for a correction, the texts it replaces, read back from the outbox)."""
    return await workflow.execute_activity_method(
        CrisisActivities.check,
        CheckRequest(draft=request, texts=texts, replaced=replaced or []),
        start_to_close_timeout=SHORT,
        retry_policy=RETRY,
    )


async def recheck(
    crisis: CrisisInput,
    state: CrisisState,
    gate: Gate,
    texts: list[StatementText],
    diffs: list[EditDiff],
) -> tuple[list[StatementText], list[Finding]]:
    """The guardrails over the texts a person edited in the gate's draft, measured again; the
    others keep their findings."""
    current = gate.draft
    edited = {(d.channel, d.language) for d in diffs}
    result = await _check(
        rules.draft_request(
            crisis,
            state,
            phase=gate.phase,
            sequence=gate.sequence,
            author=current.author,
            note=current.note,
            revision=current.revision,
            next_update=current.next_update_at,
            now=workflow.now(),
        ),
        [t for t in texts if (t.channel, t.language) in edited],
    )
    measured = {(t.channel, t.language): t for t in result.texts}
    merged = [measured.get((t.channel, t.language), t) for t in texts]
    kept = [f for f in current.findings if (f.channel, f.language) not in edited]
    return merged, kept + result.findings


async def publish(
    crisis: CrisisInput,
    state: CrisisState,
    gate: Gate,
    decision: Decision,
    texts: list[StatementText],
) -> int:
    """Every approved text, one activity a channel, all at once; each file recorded in the
    state as a publication. Returns the number of channels."""
    phase, sequence = gate.phase, gate.sequence
    channels = list(dict.fromkeys(item.channel for item in texts))
    results = await asyncio.gather(
        *(
            workflow.execute_activity_method(
                CrisisActivities.publish,
                PublishRequest(
                    crisis_id=crisis.crisis_id,
                    phase=phase,
                    sequence=sequence,
                    revision=decision.revision,
                    channel=channel,
                    texts=[item for item in texts if item.channel == channel],
                    approved_by=decision.person,
                    exercise=crisis.exercise,
                    correction=gate.correction,
                ),
                start_to_close_timeout=SHORT,
                retry_policy=RETRY,
            )
            for channel in channels
        )
    )
    now = workflow.now()
    state.statements += 1
    for channel, result in zip(channels, results, strict=True):
        for file in result.files:
            caps.add_publication(
                state,
                Publication(
                    phase=phase,
                    sequence=sequence,
                    revision=decision.revision,
                    channel=channel,
                    language=file.language,
                    path=file.path,
                    sha256=file.sha256,
                    published_at=now,
                    approved_by=decision.person,
                ),
            )
            rules.record(
                state,
                EventKind.PUBLISHED,
                now,
                phase=phase,
                sequence=sequence,
                revision=decision.revision,
                detail=f"{channel.value}.{file.language}",
            )
    return len(channels)


async def screen(crisis: CrisisInput, texts: list[str]) -> list[Finding]:
    """The personal data R-PRIVACY finds (blocking findings) in what a person sends."""
    result = await workflow.execute_activity_method(
        CrisisActivities.screen,
        ScreenRequest(
            crisis_id=crisis.crisis_id,
            playbook=crisis.playbook,
            params=crisis.params,
            guardrails=crisis.guardrails,
            texts=texts,
            now=workflow.now(),
        ),
        start_to_close_timeout=SHORT,
        retry_policy=RETRY,
    )
    return result.findings


async def trust(keyring: Keyring) -> Keyring:
    """The keys of ``keyring`` the worker's own key file trusts (the organisation's word, not
    the word of whoever started the crisis)."""
    return await workflow.execute_activity_method(
        CrisisActivities.trust, keyring, start_to_close_timeout=SHORT, retry_policy=RETRY
    )


async def notify(request: NotifyRequest) -> NotifyResult:
    return await workflow.execute_activity_method(
        CrisisActivities.notify, request, start_to_close_timeout=SHORT, retry_policy=RETRY
    )


async def review(crisis: CrisisInput) -> ReviewResult:
    """The review, built from this crisis's history as it stands now, stored in the outbox."""
    return await workflow.execute_activity_method(
        CrisisActivities.review,
        ReviewRequest(crisis_id=crisis.crisis_id, exercise=crisis.exercise, as_of=workflow.now()),
        start_to_close_timeout=REVIEW_TIMEOUT,
        retry_policy=RETRY,
    )
