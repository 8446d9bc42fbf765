"""Commands that decide on a statement or revise it: approve, reject, request-changes, revise,
and correct a published one.

Without ``--revision`` they act on the revision that waits now (``crises.current_revision``, as
the Slack app does), after showing it and asking, unless ``--yes``.
"""

from __future__ import annotations

import sys

import click
from temporalio.client import Client

from tocsin import crises
from tocsin.cli.common import (
    UserError,
    as_option,
    friendly,
    load_settings,
    operator_of,
    parse_edits,
    run,
    who_acts,
    with_client,
)
from tocsin.cli.output import print_status
from tocsin.i18n import t
from tocsin.i18n.formats import phase_name
from tocsin.models import (
    CorrectionRequest,
    DecisionAction,
    DecisionRequest,
    PhaseName,
    RevisionRequest,
    TextEdit,
)

revision_option = click.option("--revision", "-r", type=int, help=t("help.revision"))
yes_option = click.option("--yes", "-y", is_flag=True, help=t("help.yes"))
edit_option = click.option(
    "--edit", "-e", "edits", multiple=True, metavar="CANAL:LANGUE=TEXTE", help=t("help.edit")
)


def _decide(
    crisis: str,
    person: str | None,
    revision: int | None,
    yes: bool,
    action: DecisionAction,
    comment: str,
    edits: list[TextEdit],
    override: str = "",
) -> None:
    settings = load_settings()
    who = who_acts(person)
    by = operator_of(settings)

    async def main(client: Client) -> None:
        rev = revision
        if rev is None:
            try:
                current = await crises.current_revision(client, crisis)
            except crises.NothingAwaits:
                raise UserError(t("err.no_gate")) from None
            if not yes:
                if not sys.stdin.isatty():
                    raise UserError(t("err.need_revision"))
                print_status(current.status, texts=True, zone=current.status.timezone)
                phase = current.status.phase
                question = t(
                    "confirm.decide",
                    action=t(f"action.{action.value}"),
                    revision=current.revision,
                    phase=phase_name(phase, current.status.sequence) if phase else "-",
                )
                if not click.confirm(question, default=False):
                    raise UserError(t("confirm.aborted"))
            rev = current.revision
        decision = await crises.decide(
            client,
            crisis,
            DecisionRequest(
                person=who,
                revision=rev,
                action=action,
                comment=comment,
                edits=edits,
                override=override,
            ),
            by,
        )
        click.echo(
            t(
                "decision.recorded",
                action=t(f"action.{decision.action.value}"),
                person=decision.person_name,
                revision=decision.revision,
            )
        )

    run(with_client(settings, main))


@click.command(help=t("help.approve"))
@click.argument("crisis")
@as_option
@revision_option
@yes_option
@edit_option
@click.option("--comment", "-m", default="", help=t("help.comment"))
@click.option("--override", default="", metavar="JUSTIFICATION", help=t("help.override"))
@friendly
def approve(
    crisis: str,
    person: str | None,
    revision: int | None,
    yes: bool,
    edits: tuple[str, ...],
    comment: str,
    override: str,
) -> None:
    parsed = parse_edits(edits)
    action = DecisionAction.APPROVE_WITH_EDITS if parsed else DecisionAction.APPROVE
    _decide(crisis, person, revision, yes, action, comment, parsed, override)


@click.command(help=t("help.reject"))
@click.argument("crisis")
@as_option
@revision_option
@yes_option
@click.option("--reason", required=True, help=t("help.reason"))
@friendly
def reject(crisis: str, person: str | None, revision: int | None, yes: bool, reason: str) -> None:
    if not reason.strip():
        raise UserError(t("err.cli_usage", problem="--reason"))
    _decide(crisis, person, revision, yes, DecisionAction.REJECT, reason, [])


@click.command("request-changes", help=t("help.request_changes"))
@click.argument("crisis")
@as_option
@revision_option
@yes_option
@click.option("--comment", "-m", required=True, help=t("help.comment"))
@friendly
def request_changes(
    crisis: str, person: str | None, revision: int | None, yes: bool, comment: str
) -> None:
    if not comment.strip():
        raise UserError(t("err.cli_usage", problem="--comment"))
    _decide(crisis, person, revision, yes, DecisionAction.REQUEST_CHANGES, comment, [])


@click.command(help=t("help.revise"))
@click.argument("crisis")
@as_option
@revision_option
@edit_option
@click.option("--note", "-m", default="", help=t("help.note"))
@friendly
def revise(
    crisis: str, person: str | None, revision: int | None, edits: tuple[str, ...], note: str
) -> None:
    settings = load_settings()
    who = who_acts(person)
    by = operator_of(settings)
    parsed = parse_edits(edits)

    async def main(client: Client) -> None:
        base = revision
        if base is None:
            try:
                base = (await crises.current_revision(client, crisis)).revision
            except crises.NothingAwaits:
                raise crises.Refused("NotAwaitingRevision", {}, "not awaiting revision") from None
        result = await crises.revise(
            client,
            crisis,
            RevisionRequest(person=who, base_revision=base, edits=parsed, note=note),
            by,
        )
        click.echo(t("revise.recorded", revision=result.revision))

    run(with_client(settings, main))


@click.command(help=t("help.correct"))
@click.argument("crisis")
@as_option
@click.option(
    "--phase",
    type=click.Choice([p.value for p in PhaseName]),
    default=None,
    help=t("help.correct_phase"),
)
@click.option("--sequence", type=click.IntRange(0, 1_000_000), default=None, help=t("help.seq"))
@click.option(
    "--edit",
    "-e",
    "edits",
    multiple=True,
    required=True,
    metavar="CANAL:LANGUE=TEXTE",
    help=t("help.edit"),
)
@click.option("--reason", required=True, help=t("help.correct_reason"))
@friendly
def correct(
    crisis: str,
    person: str | None,
    phase: str | None,
    sequence: int | None,
    edits: tuple[str, ...],
    reason: str,
) -> None:
    settings = load_settings()
    who = who_acts(person)
    by = operator_of(settings)
    parsed = parse_edits(edits)
    if not reason.strip():
        raise UserError(t("err.cli_usage", problem="--reason"))

    async def main(client: Client) -> None:
        target = (PhaseName(phase), sequence or 0) if phase else None
        if target is None:
            # The statement last published: the one a correction is most often about.
            found = await crises.status(client, crisis, events=False, draft=False)
            if not found.publications:
                raise UserError(t("err.nothing_published"))
            last = found.publications[-1]
            target = (last.phase, last.sequence)
        request = CorrectionRequest(
            person=who, phase=target[0], sequence=target[1], edits=parsed, reason=reason
        )
        result = await crises.correct(client, crisis, request, by)
        click.echo(
            t(
                "correct.recorded",
                revision=result.revision,
                phase=phase_name(result.phase, result.sequence),
            )
        )

    run(with_client(settings, main))


COMMANDS: tuple[click.Command, ...] = (approve, reject, request_changes, revise, correct)
