"""The worker keeps its own copies of what the SDK holds from a run's first activation.

With protobuf's upb backend, a part of a message that is kept holds the whole message alive: a
cached run then kept the activation that started it, the run's input inside
(``bench.input_memory``: 276 KB a cached workflow for a 44 KB input with the SDK as is, 94 KB
detached). A copy is independent of the message it came from: changing the activation after
the fact leaves it as it was, which a part still tied to the activation would not.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from temporalio.api.common.v1 import Payload
from temporalio.bridge.proto.workflow_activation import WorkflowActivation
from temporalio.worker import (
    ExecuteWorkflowInput,
    WorkflowInboundInterceptor,
    WorkflowInstance,
    WorkflowInstanceDetails,
    WorkflowInterceptorClassInput,
    WorkflowRunner,
)
from temporalio.workflow import Info, _Definition

from tocsin.worker import WORKFLOW_RUNNER, DetachingInterceptor, DetachingRunner
from workflows.crisis import CrisisWorkflow


def _activation() -> WorkflowActivation:
    act = WorkflowActivation(run_id="run-1")
    init = act.jobs.add().initialize_workflow
    init.workflow_id = "crise-1"
    init.arguments.append(Payload(metadata={"encoding": b"json/plain"}, data=b'"x"' * 1000))
    init.headers["trace"].data = b"header"
    init.memo.fields["title"].data = b'"Eau non potable"'
    init.last_completion_result.payloads.append(Payload(data=b"last"))
    return act


class _Capturing(WorkflowRunner):
    def __init__(self) -> None:
        self.given: WorkflowInstanceDetails | None = None
        self.failure_types: list[type[BaseException]] = []
        self.prepared: list[_Definition] = []

    def prepare_workflow(self, defn: _Definition) -> None:
        self.prepared.append(defn)

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        self.given = det
        return object()  # type: ignore[return-value]  # the test only reads what it was given

    def set_worker_level_failure_exception_types(self, types: Any) -> None:
        self.failure_types = list(types)


def _details(act: WorkflowActivation) -> WorkflowInstanceDetails:
    """The details as the SDK builds them from the first activation: its parts, not copies.
    Fields the runner does not touch are left empty."""
    init = act.jobs[0].initialize_workflow
    unused: dict[str, Any] = {
        field.name: None
        for field in dataclasses.fields(Info)
        if field.name not in ("raw_memo", "headers")
    }
    info = Info(**unused, raw_memo=dict(init.memo.fields), headers=dict(init.headers))
    rest: dict[str, Any] = {
        field.name: None
        for field in dataclasses.fields(WorkflowInstanceDetails)
        if field.name not in ("info", "last_completion_result", "last_failure")
    }
    return WorkflowInstanceDetails(
        **rest, info=info, last_completion_result=init.last_completion_result, last_failure=None
    )


def test_the_runner_gives_the_instance_copies_free_of_the_activation() -> None:
    act = _activation()
    inner = _Capturing()
    DetachingRunner(inner).create_instance(_details(act))
    given = inner.given
    assert given is not None
    assert given.last_completion_result.payloads[0].data == b"last"
    assert given.info.headers["trace"].data == b"header"
    assert given.info.raw_memo["title"].data == b'"Eau non potable"'

    init = act.jobs[0].initialize_workflow
    init.last_completion_result.payloads[0].data = b"changed"
    init.headers["trace"].data = b"changed"
    init.memo.fields["title"].data = b"changed"
    assert given.last_completion_result.payloads[0].data == b"last"
    assert given.info.headers["trace"].data == b"header"
    assert given.info.raw_memo["title"].data == b'"Eau non potable"'


def test_without_the_runner_the_parts_stay_tied_to_the_activation() -> None:
    """The control: the same change reaches parts that were not copied (what kept it alive)."""
    act = _activation()
    details = _details(act)
    act.jobs[0].initialize_workflow.headers["trace"].data = b"changed"
    assert details.info.headers["trace"].data == b"changed"


def test_the_runner_passes_the_rest_through() -> None:
    inner = _Capturing()
    runner = DetachingRunner(inner)
    runner.set_worker_level_failure_exception_types([ValueError])
    assert inner.failure_types == [ValueError]
    defn = _Definition.must_from_class(CrisisWorkflow)
    runner.prepare_workflow(defn)
    assert inner.prepared == [defn]
    assert isinstance(WORKFLOW_RUNNER, DetachingRunner)


async def test_the_run_keeps_its_own_headers() -> None:
    act = _activation()
    init = act.jobs[0].initialize_workflow
    seen: list[ExecuteWorkflowInput] = []

    class Next(WorkflowInboundInterceptor):
        def __init__(self) -> None:
            pass

        async def execute_workflow(self, input: ExecuteWorkflowInput) -> Any:
            seen.append(input)
            return "ran"

    chosen = DetachingInterceptor().workflow_interceptor_class(
        WorkflowInterceptorClassInput(unsafe_extern_functions={})
    )
    start = ExecuteWorkflowInput(type=object, run_fn=_never, args=[], headers=init.headers)
    assert await chosen(Next()).execute_workflow(start) == "ran"
    init.headers["trace"].data = b"changed"
    # The SDK keeps this same input object for the run's life: it now holds copies.
    assert seen == [start]
    assert start.headers["trace"].data == b"header"


async def _never() -> None:
    raise AssertionError("not run")
