"""Temporal's own floor for the benchmarks: skeleton workflows that do nothing but what the
crisis workflow's machinery costs (an update, activities and timers), with no tocsin work."""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow


@workflow.defn(name="FloorUpdates")
class FloorUpdates:
    """Accepts updates until told to stop: the bare update's round trip."""

    def __init__(self) -> None:
        self.count = 0
        self.done = False

    @workflow.run
    async def run(self) -> int:
        await workflow.wait_condition(lambda: self.done)
        return self.count

    @workflow.update
    def bump(self, value: int) -> int:
        self.count += value
        return self.count

    @workflow.update
    def stop(self) -> None:
        self.done = True


@activity.defn(name="floor_nothing")
async def nothing(value: int) -> int:
    return value


@workflow.defn(name="FloorCrisis")
class FloorCrisis:
    """As many activities and timers as a crisis's first gate, and an update to open it."""

    def __init__(self) -> None:
        self.approved = False

    @workflow.run
    async def run(self, activities: int) -> int:
        for index in range(activities):
            await workflow.execute_activity(
                nothing, index, start_to_close_timeout=timedelta(seconds=15)
            )
        await workflow.wait_condition(lambda: self.approved)
        for index in range(activities):
            await workflow.execute_activity(
                nothing, index, start_to_close_timeout=timedelta(seconds=15)
            )
        return activities

    @workflow.update
    def approve(self) -> None:
        self.approved = True
