"""The crisis workflow's names on Temporal, in one place.

The workflow and the activities declare themselves under these names; the client side
(``tocsin.crises``), the review (which reads them back from history) and the tests refer to
them here. Renaming one changes the recorded histories: it goes through ``workflow.patched``.
"""

from __future__ import annotations

from typing import Final

WORKFLOW: Final = "CrisisWorkflow"

# Updates: every change a person makes to a running crisis.
DECIDE: Final = "decide"
REVISE: Final = "revise"
ADD_FACT: Final = "add_fact"
RESOLVE: Final = "resolve"
CANCEL: Final = "cancel"
RETRACT: Final = "retract"
TASK_DONE: Final = "task_done"
CORRECT: Final = "correct"

# The one query: where the crisis stands.
STATUS: Final = "status"

# Activities: the workflow schedules them, the worker registers them.
TRUST: Final = "trust_keys"
DRAFT: Final = "draft_statement"
CHECK: Final = "check_statements"
SCREEN: Final = "screen_for_personal_data"
NOTIFY: Final = "notify_people"
PUBLISH: Final = "publish_statement"
ROUTE: Final = "route_statement"
POST: Final = "post_statement"
REVIEW: Final = "review_crisis"
