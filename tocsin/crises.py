"""Operations on crises, shared by the CLI, the demo and the Slack app.

Each function talks to Temporal and turns its failures into the few errors a person can act on:
an unknown crisis, a refusal by the workflow (with its code and parameters), a server that does
not answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from temporalio.client import (
    Client,
    WorkflowExecutionDescription,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from tocsin import names, rates, visibility
from tocsin.config import Settings
from tocsin.i18n import both, has, t
from tocsin.i18n.formats import role_name
from tocsin.identity.keys import trusted_keyring
from tocsin.identity.signing import TRIGGER, Credential
from tocsin.models import (
    Ack,
    CancelRequest,
    CorrectionRequest,
    CrisisInput,
    CrisisOutcome,
    CrisisRun,
    CrisisStatus,
    Decision,
    DecisionRequest,
    Draft,
    FactRequest,
    GuardrailSettings,
    ParamValue,
    ResolveRequest,
    RetractRequest,
    RevisionRequest,
    RevisionResult,
    StatusQuery,
    crisis_workflow_id,
)
from tocsin.models.delivery import TaskDoneRequest
from tocsin.models.workflow import CrisisKeyError, shown
from tocsin.playbook import LoadedPlaybook, resolve_parameters
from tocsin.render import snapshot_templates

R = TypeVar("R", bound=BaseModel)


class UnknownCrisis(Exception):
    def __init__(self, crisis: str) -> None:
        super().__init__(crisis)
        self.crisis = crisis


class Refused(Exception):
    """The workflow refused an update (validator), with a code the UI translates."""

    def __init__(
        self,
        code: str,
        params: Mapping[str, str],
        message: str,
        names: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.params = dict(params)
        self.message = message
        self.names = dict(names or {})  # the crisis's people: id -> name

    def localized(self) -> str:
        """The refusal in the person's language, with people by name and roles by label."""
        key = f"refuse.{self.code}"
        if not has(key):
            return self.message
        values: dict[str, object] = dict(self.params)
        person = values.get("person")
        if isinstance(person, str):
            values["person"] = self.names.get(person, person)
        roles = values.get("roles")
        if isinstance(roles, str) and roles.strip() not in ("", "-"):
            values["roles"] = ", ".join(role_name(r.strip()) for r in roles.split(","))
        try:
            return t(key, **values)
        except KeyError:
            return self.message


class BadKey(Refused):
    """A crisis key that gives no id of its own: nothing but signs (``KeyEmpty``), too long,
    a control character, or the id of a running crisis triggered under another key
    (``KeyCollision``: « A B » and « a-b »)."""

    def __init__(self, code: str, params: Mapping[str, str]) -> None:
        super().__init__(code, params, both(f"crisis_key.{code}", **params))

    def localized(self) -> str:
        return t(f"crisis_key.{self.code}", **self.params)


class DifferentParameters(Exception):
    """A crisis runs under this key with other values: most likely another crisis of the same
    playbook the same day, which needs a key of its own."""

    def __init__(self, crisis: str, names: list[str]) -> None:
        super().__init__(crisis)
        self.crisis = crisis
        self.names = names


def parameter_digests(params: Mapping[str, ParamValue]) -> dict[str, str]:
    """A digest of each parameter's value: enough to tell which differ, without the values."""
    return {
        name: hashlib.sha256(json.dumps(value, ensure_ascii=False).encode()).hexdigest()[:16]
        for name, value in sorted(params.items())
    }


class ClosedCrisisExists(Exception):
    def __init__(self, crisis: str) -> None:
        super().__init__(crisis)
        self.crisis = crisis


@dataclass(frozen=True)
class Triggered:
    crisis_id: str
    existing: bool
    run_id: str | None


def default_key(playbook_timezone: str, now: datetime | None = None) -> str:
    """Today's date where the playbook lives: one crisis of a kind per day unless told."""
    moment = now or datetime.now(ZoneInfo(playbook_timezone))
    return moment.astimezone(ZoneInfo(playbook_timezone)).strftime("%Y-%m-%d")


def build_input(
    loaded: LoadedPlaybook,
    template_folders: list[Any],
    given: Mapping[str, str],
    *,
    key: str,
    person: str,
    exercise: bool,
    max_history_events: int,
    guardrails: GuardrailSettings | None = None,
) -> CrisisInput:
    """Everything the workflow needs, snapshotted now: later edits to files change nothing."""
    playbook = loaded.playbook
    try:
        crisis_id = crisis_workflow_id(playbook.id, key)
    except CrisisKeyError as exc:
        raise BadKey(exc.code, exc.params) from None
    params = resolve_parameters(playbook, given)
    return CrisisInput(
        crisis_id=crisis_id,
        crisis_key=key,
        playbook=playbook,
        templates=snapshot_templates(playbook, template_folders),
        params=params,
        triggered_by=person,
        exercise=exercise,
        max_history_events=max_history_events,
        guardrails=guardrails or GuardrailSettings(),
    )


async def trigger(
    client: Client, settings: Settings, crisis: CrisisInput, by: Credential
) -> Triggered:
    """Start the crisis, or land on the running one with the same id and the same parameters
    (``DifferentParameters`` when they differ). A new crisis counts against the trigger rates
    (``rates.TooManyTriggers``); exercises run on their own task queue. The crisis carries the
    front ends' public keys this machine trusts, and its start is signed with ``by``."""
    digests = parameter_digests(crisis.params)
    keyring = trusted_keyring(settings.data_dir)
    crisis = by.sign(
        crisis.crisis_id,
        TRIGGER,
        crisis.model_copy(update={"keyring": keyring}),
        datetime.now(UTC),
    )
    await visibility.ensure_registered(client)
    now = datetime.now(UTC)
    playbook = crisis.playbook
    who = playbook.people.get(crisis.triggered_by)
    try:
        await rates.check(
            client,
            settings.trigger_limits,
            person=crisis.triggered_by,
            person_name=who.name if who is not None else crisis.triggered_by,
            playbook=playbook.id,
            title=playbook.title,
            exercise=crisis.exercise,
            zone=playbook.timezone,
            now=now,
        )
    except rates.TooManyTriggers:
        # Triggering again a crisis that runs starts nothing: no limit to it.
        try:
            landed = await _landing(client, crisis, digests)
        except ClosedCrisisExists:
            landed = None
        if landed is None:
            raise
        return landed
    try:
        handle = await visibility.patiently(
            lambda: client.start_workflow(
                names.WORKFLOW,
                CrisisRun(crisis=crisis),
                id=crisis.crisis_id,
                task_queue=settings.drill_task_queue if crisis.exercise else settings.task_queue,
                result_type=CrisisOutcome,
                # A crisis id is free again only if its previous run failed; a closed crisis stays
                # in the record under its key.
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
                memo={
                    "title": playbook.title,
                    "playbook": playbook.id,
                    "key": crisis.crisis_key,
                    "exercise": crisis.exercise,
                    "triggered_by": crisis.triggered_by,
                    "params": digests,
                },
                search_attributes=visibility.attributes(
                    person=crisis.triggered_by,
                    playbook=playbook.id,
                    exercise=crisis.exercise,
                    at=now,
                ),
            )
        )
    except WorkflowAlreadyStartedError as exc:
        landed = await _landing(client, crisis, digests)
        if landed is None:  # gone between the start and the look: as a closed one
            raise ClosedCrisisExists(crisis.crisis_id) from exc
        return landed
    return Triggered(crisis.crisis_id, existing=False, run_id=handle.result_run_id)


async def _landing(
    client: Client, crisis: CrisisInput, digests: Mapping[str, str]
) -> Triggered | None:
    """The running crisis under this id when its parameters are the same; None when there is
    none. ``DifferentParameters`` when one runs with others, ``ClosedCrisisExists`` when it is
    over."""
    try:
        description = await client.get_workflow_handle(crisis.crisis_id).describe()
    except RPCError as exc:
        if _not_found(exc):
            return None
        raise
    if description.status != WorkflowExecutionStatus.RUNNING:
        raise ClosedCrisisExists(crisis.crisis_id)
    memo = await description.memo()
    key = memo.get("key")
    if isinstance(key, str) and key != crisis.crisis_key:
        # Two keys, one id (« A B » and « a-b »): the second is another crisis's key.
        raise BadKey("KeyCollision", {"key": shown(crisis.crisis_key), "theirs": shown(key)})
    theirs = memo.get("params") or {}
    differ = sorted(
        name
        for name in {*digests, *theirs}
        if digests.get(name) != (theirs.get(name) if isinstance(theirs, dict) else None)
    )
    if differ:
        raise DifferentParameters(crisis.crisis_id, differ)
    return Triggered(crisis.crisis_id, existing=True, run_id=description.run_id)


def _handle(client: Client, crisis_id: str) -> WorkflowHandle[Any, Any]:
    return client.get_workflow_handle(crisis_id)


def _not_found(exc: RPCError) -> bool:
    return exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT)


async def describe(client: Client, crisis_id: str) -> WorkflowExecutionDescription:
    try:
        return await _handle(client, crisis_id).describe()
    except RPCError as exc:
        if _not_found(exc):
            raise UnknownCrisis(crisis_id) from exc
        raise


async def status(
    client: Client,
    crisis_id: str,
    *,
    events: bool = True,
    draft: bool = True,
    rpc_timeout: timedelta | None = None,
) -> CrisisStatus:
    """The crisis as its workflow sees it. ``events=False`` leaves the timeline out, and
    ``draft=False`` the draft awaiting approval (then ``draft`` is None)."""
    try:
        found: CrisisStatus = await _handle(client, crisis_id).query(
            names.STATUS,
            StatusQuery(include_events=events, include_draft=draft),
            result_type=CrisisStatus,
            rpc_timeout=rpc_timeout,
        )
        return found
    except RPCError as exc:
        if _not_found(exc):
            raise UnknownCrisis(crisis_id) from exc
        raise


ENDED: Final = ("closed", "cancelled", "retracted")  # CrisisStatus.state of a crisis that is over


class NothingAwaits(Exception):
    """No revision of the crisis waits for anyone: none drafted yet, or the last one decided."""

    def __init__(self, crisis: str) -> None:
        super().__init__(crisis)
        self.crisis = crisis


@dataclass(frozen=True)
class Current:
    """The revision that waits for someone (a decision, or its author's revision), its draft,
    and the crisis as it stands."""

    revision: int
    draft: Draft
    status: CrisisStatus


def waiting_revision(found: CrisisStatus) -> Current:
    """The revision that waits now in a crisis's status: the one a person acts on when they name
    none, or whose card they want to open. ``Refused("Ended")`` for a crisis that is over,
    ``NothingAwaits`` when no revision waits. The workflow's validator still has the last word
    on the update."""
    if found.state in ENDED:
        raise Refused("Ended", {}, "crisis ended")
    if found.revision is None or found.draft is None:
        raise NothingAwaits(found.crisis_id)
    return Current(revision=found.revision, draft=found.draft, status=found)


async def current_revision(client: Client, crisis_id: str) -> Current:
    """The revision that waits now in the crisis (``waiting_revision`` of its status)."""
    return waiting_revision(await status(client, crisis_id, events=False))


async def _update(
    client: Client, crisis_id: str, name: str, arg: BaseModel, result: type[R], by: Credential
) -> R:
    """Send a change, signed by the front end's credential (the workflow refuses it unsigned)."""
    handle = _handle(client, crisis_id)
    arg = by.sign(crisis_id, name, arg, datetime.now(UTC))
    try:
        outcome: R = await handle.execute_update(name, arg, result_type=result)
        return outcome
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        if isinstance(cause, ApplicationError) and cause.type:
            params = cause.details[0] if cause.details else {}
            raise Refused(
                cause.type,
                params if isinstance(params, dict) else {},
                cause.message,
                await _people(client, crisis_id),
            ) from exc
        raise
    except RPCError as exc:
        if _not_found(exc):
            # Either no such workflow, or a crisis that has ended: say which.
            try:
                description = await handle.describe()
            except RPCError:
                raise UnknownCrisis(crisis_id) from exc
            if description.status != WorkflowExecutionStatus.RUNNING:
                raise Refused("Ended", {}, "crisis ended") from exc
        raise


async def _people(client: Client, crisis_id: str) -> dict[str, str]:
    """The crisis's people by id, to name them in a refusal; none when it cannot say."""
    try:
        found = await status(client, crisis_id, events=False, draft=False)
    except Exception:  # a refusal is said with ids rather than not at all
        return {}
    return {person: who.name for person, who in found.people.items()}


async def decide(
    client: Client, crisis_id: str, request: DecisionRequest, by: Credential
) -> Decision:
    return await _update(client, crisis_id, names.DECIDE, request, Decision, by)


async def revise(
    client: Client, crisis_id: str, request: RevisionRequest, by: Credential
) -> RevisionResult:
    return await _update(client, crisis_id, names.REVISE, request, RevisionResult, by)


async def correct(
    client: Client, crisis_id: str, request: CorrectionRequest, by: Credential
) -> RevisionResult:
    return await _update(client, crisis_id, names.CORRECT, request, RevisionResult, by)


async def add_fact(client: Client, crisis_id: str, request: FactRequest, by: Credential) -> Ack:
    return await _update(client, crisis_id, names.ADD_FACT, request, Ack, by)


async def resolve(client: Client, crisis_id: str, request: ResolveRequest, by: Credential) -> Ack:
    return await _update(client, crisis_id, names.RESOLVE, request, Ack, by)


async def cancel(client: Client, crisis_id: str, request: CancelRequest, by: Credential) -> Ack:
    return await _update(client, crisis_id, names.CANCEL, request, Ack, by)


async def retract(client: Client, crisis_id: str, request: RetractRequest, by: Credential) -> Ack:
    return await _update(client, crisis_id, names.RETRACT, request, Ack, by)


async def task_done(
    client: Client, crisis_id: str, request: TaskDoneRequest, by: Credential
) -> Ack:
    return await _update(client, crisis_id, names.TASK_DONE, request, Ack, by)
