"""The tocsin worker: the crisis workflow and its activities on one task queue."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from google.protobuf.message import Message
from slack_sdk.web.async_client import AsyncWebClient
from temporalio.client import Client
from temporalio.worker import (
    ExecuteWorkflowInput,
    Interceptor,
    Worker,
    WorkflowInboundInterceptor,
    WorkflowInstance,
    WorkflowInstanceDetails,
    WorkflowInterceptorClassInput,
    WorkflowRunner,
)
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions
from temporalio.workflow import _Definition

from activities.crisis import CrisisActivities
from tocsin.config import Settings
from tocsin.slack.notifier import SlackNotifier, web_client
from tocsin.slack.settings import SlackSettings
from workflows.crisis import CrisisWorkflow

M = TypeVar("M", bound=Message)


def _own(message: M) -> M:
    copy = type(message)()
    copy.CopyFrom(message)
    return copy


def _own_all(messages: Mapping[str, M]) -> dict[str, M]:
    return {key: _own(value) for key, value in messages.items()}


class DetachingRunner(WorkflowRunner):
    """Gives each workflow instance its own copies of the parts of its first activation that
    the SDK keeps (the last completion result and failure, the memo, the headers).

    With protobuf's upb backend a kept part holds its whole message alive. The SDK keeps
    ``last_completion_result`` and the start input's headers, so every cached run held the
    activation that started it, with the run's input inside, for as long as it was cached. In
    ``bench.input_memory``, a workflow with a 44 KB input cost 276 KB resident with the SDK as
    is and 94 KB detached (64 KB with no input). The copies cost a few bytes when the parts are
    empty, as they are for a crisis.
    """

    def __init__(self, inner: WorkflowRunner) -> None:
        self._inner = inner

    def prepare_workflow(self, defn: _Definition) -> None:
        self._inner.prepare_workflow(defn)

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        info = dataclasses.replace(
            det.info, raw_memo=_own_all(det.info.raw_memo), headers=_own_all(det.info.headers)
        )
        return self._inner.create_instance(
            dataclasses.replace(
                det,
                info=info,
                last_completion_result=_own(det.last_completion_result),
                last_failure=_own(det.last_failure) if det.last_failure is not None else None,
            )
        )

    def set_worker_level_failure_exception_types(
        self, types: Sequence[type[BaseException]]
    ) -> None:
        self._inner.set_worker_level_failure_exception_types(types)


class _DetachedHeaders(WorkflowInboundInterceptor):
    async def execute_workflow(self, input: ExecuteWorkflowInput) -> object:
        # The SDK keeps this input for the run's life; its headers were a map inside the first
        # activation, and held all of it.
        input.headers = _own_all(input.headers)
        return await super().execute_workflow(input)


class DetachingInterceptor(Interceptor):
    """The other half of ``DetachingRunner``: the run's start input keeps its own headers."""

    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor]:
        return _DetachedHeaders


# The sandbox imports a workflow's own module again for every workflow it runs, and that module's
# code is then held once per cached crisis. Passed through, `workflows/crisis.py` is loaded once
# per worker: 272 -> 182 KB of Python allocations per cached crisis (bench.memory_breakdown,
# N = 30). The sandbox still restricts builtins at run time. The module keeps no state of its
# own, and the replay tests run it under the full sandbox, which imports it again for each
# history and refuses clocks, randomness and I/O in its code.
WORKFLOW_RUNNER = DetachingRunner(
    SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(CrisisWorkflow.__module__)
    )
)


def build_worker(
    client: Client,
    settings: Settings,
    *,
    outbox: Path | None = None,
    notifications: Path | None = None,
    task_queue: str | None = None,
    slack: SlackSettings | None = None,
    slack_client: AsyncWebClient | None = None,
) -> Worker:
    """The worker; with ``slack`` its notices also go to Slack, through ``slack_client`` when
    given (``kept_alive``: connections kept between calls)."""
    notifier = (
        SlackNotifier(slack_client or web_client(slack), slack.channel)
        if slack and slack.channel
        else None
    )
    acts = CrisisActivities(
        outbox=outbox or settings.outbox,
        notifications=notifications or settings.data_dir / "notifications",
        slack=notifier,
    )
    return Worker(
        client,
        task_queue=task_queue or settings.task_queue,
        workflows=[CrisisWorkflow],
        workflow_runner=WORKFLOW_RUNNER,
        activities=[acts.draft, acts.check, acts.notify, acts.publish, acts.review],
        max_cached_workflows=settings.max_cached_crises,
        interceptors=[DetachingInterceptor()],
    )
