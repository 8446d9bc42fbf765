"""Commands that start a crisis and follow it: trigger, list, status, fact, and the three ways
to end it: resolve, cancel (nothing published yet) and retract (what was published)."""

from __future__ import annotations

import click

from tocsin import crises, listing, rates
from tocsin.cli.common import (
    UnknownPlaybook,
    UserError,
    as_option,
    friendly,
    json_option,
    load_settings,
    operator_of,
    param_problems,
    parse_params,
    playbook_library,
    run,
    who_acts,
    with_client,
)
from tocsin.cli.output import local, print_json, print_status
from tocsin.i18n import t
from tocsin.i18n.formats import phase_name
from tocsin.models import CancelRequest, FactRequest, ResolveRequest, RetractRequest
from tocsin.models.delivery import TaskDoneRequest
from tocsin.playbook import ParameterProblems


@click.command(help=t("help.trigger"))
@click.argument("playbook")
@click.option("--param", "-p", "params", multiple=True, metavar="NOM=VALEUR", help=t("help.param"))
@click.option("--key", "-k", help=t("help.key"))
@click.option("--exercise", is_flag=True, help=t("help.exercise"))
@as_option
@json_option
@friendly
def trigger(
    playbook: str,
    params: tuple[str, ...],
    key: str | None,
    exercise: bool,
    person: str | None,
    as_json: bool,
) -> None:
    settings = load_settings()
    library = playbook_library(settings)
    who = who_acts(person)
    by = operator_of(settings)
    if library.find(playbook) is None:
        raise UnknownPlaybook(playbook, list(library.files()))
    loaded = library.load(playbook)
    pb = loaded.playbook
    if who not in pb.people:
        raise UserError(
            t("err.unknown_person", person=who, playbook=pb.id, known=", ".join(pb.people))
        )
    try:
        crisis = crises.build_input(
            loaded,
            library.template_folders,
            parse_params(params),
            key=key or crises.default_key(pb.timezone),
            person=who,
            exercise=exercise,
            max_history_events=settings.max_history_events,
            guardrails=library.guardrail_settings(),
        )
    except ParameterProblems as exc:
        param_problems(pb.id, exc, [p.name for p in pb.parameters])
    try:
        result = run(with_client(settings, lambda c: crises.trigger(c, settings, crisis, by)))
    except rates.TooManyTriggers as exc:
        raise UserError(exc.localized()) from None
    if as_json:
        print_json({"crisis_id": result.crisis_id, "existing": result.existing})
        return
    message = "trigger.existing" if result.existing else "trigger.started"
    click.echo(t(message, crisis=result.crisis_id))


@click.command("list", help=t("help.list"))
@click.option("--status", type=click.Choice(list(listing.STATES)), help=t("help.list_status"))
@click.option("--playbook", metavar="PLAYBOOK", help=t("help.list_playbook"))
@click.option("--exercise/--real", "exercise", default=None, help=t("help.list_exercise"))
@click.option(
    "--limit",
    type=click.IntRange(1, listing.MAX_LIMIT),
    default=100,
    show_default=True,
    help=t("help.list_limit"),
)
@click.option("--page-token", metavar="TOKEN", help=t("help.list_page_token"))
@json_option
@friendly
def list_command(
    status: str | None,
    playbook: str | None,
    exercise: bool | None,
    limit: int,
    page_token: str | None,
    as_json: bool,
) -> None:
    settings = load_settings()
    try:
        page = run(
            with_client(
                settings,
                lambda c: listing.list_crises(
                    c,
                    limit=limit,
                    status=status,
                    playbook=playbook,
                    exercise=exercise,
                    page_token=page_token,
                ),
            )
        )
    except listing.BadListing as exc:
        expected = "list.expected_playbook" if exc.option == "--playbook" else "list.expected_token"
        raise UserError(
            t("list.bad_option", option=exc.option, value=exc.value[:80], expected=t(expected))
        ) from None
    more = t("list.more", token=page.next_page_token) if page.next_page_token else None
    if as_json:
        print_json([item.__dict__ for item in page.crises])
        if more:  # the list stays a list: the way on goes to stderr
            click.echo(more, err=True)
        return
    if not page.crises:
        click.echo(t("list.none"))
    else:
        click.echo(t("list.header"))
    for item in page.crises:
        title = f"{item.title} [{t('status.exercise')}]" if item.exercise else item.title
        click.echo(f"{item.crisis_id}\t{t('state.' + item.status)}\t{local(item.started)}\t{title}")
    if more:
        click.echo(more)


@click.command(help=t("help.status"))
@click.argument("crisis")
@click.option("--texts/--no-texts", default=True, help=t("help.texts"))
@click.option("--events", is_flag=True, help=t("status.timeline"))
@json_option
@friendly
def status(crisis: str, texts: bool, events: bool, as_json: bool) -> None:
    settings = load_settings()
    found = run(with_client(settings, lambda c: crises.status(c, crisis, events=events or as_json)))
    if as_json:
        click.echo(found.model_dump_json(indent=2))
        return
    print_status(found, texts=texts, zone=found.timezone)
    if events:
        click.echo("")
        click.echo(t("status.timeline"))
        for event in found.events:
            where = phase_name(event.phase, event.sequence) if event.phase else ""
            rev = f" r{event.revision}" if event.revision else ""
            who = f" {event.person}" if event.person else ""
            detail = f" — {event.detail}" if event.detail else ""
            when = local(event.at, found.timezone)
            click.echo(f"  {when}  {t('event.' + event.kind.value):<18} {where}{rev}{who}{detail}")


@click.command(help=t("help.fact"))
@click.argument("crisis")
@click.argument("text")
@as_option
@click.option("--override", default="", metavar="JUSTIFICATION", help=t("help.fact_override"))
@friendly
def fact(crisis: str, text: str, person: str | None, override: str) -> None:
    settings = load_settings()
    who = who_acts(person)
    by = operator_of(settings)
    if not text.strip():
        raise UserError(t("err.cli_usage", problem="TEXT"))
    # Checked before anything is sent; R-PRIVACY is the workflow's (refuse.PersonalData).
    request = FactRequest(person=who, text=text, override=override)
    run(with_client(settings, lambda c: crises.add_fact(c, crisis, request, by)))
    click.echo(t("fact.recorded"))


@click.command(help=t("help.resolve"))
@click.argument("crisis")
@as_option
@click.option("--summary", "-m", default="", help=t("help.summary"))
@friendly
def resolve(crisis: str, person: str | None, summary: str) -> None:
    settings = load_settings()
    who = who_acts(person)
    by = operator_of(settings)
    run(
        with_client(
            settings,
            lambda c: crises.resolve(c, crisis, ResolveRequest(person=who, summary=summary), by),
        )
    )
    click.echo(t("resolve.recorded"))


@click.command(help=t("help.cancel"))
@click.argument("crisis")
@as_option
@click.option("--reason", required=True, help=t("help.reason"))
@friendly
def cancel(crisis: str, person: str | None, reason: str) -> None:
    settings = load_settings()
    who = who_acts(person)
    by = operator_of(settings)
    if not reason.strip():
        raise UserError(t("err.cli_usage", problem="--reason"))
    run(
        with_client(
            settings,
            lambda c: crises.cancel(c, crisis, CancelRequest(person=who, reason=reason), by),
        )
    )
    click.echo(t("cancel.recorded"))


@click.command(help=t("help.retract"))
@click.argument("crisis")
@as_option
@click.option("--reason", required=True, help=t("help.retract_reason"))
@friendly
def retract(crisis: str, person: str | None, reason: str) -> None:
    settings = load_settings()
    who = who_acts(person)
    by = operator_of(settings)
    if not reason.strip():
        raise UserError(t("err.cli_usage", problem="--reason"))
    request = RetractRequest(person=who, reason=reason)  # checked before anything is sent
    run(with_client(settings, lambda c: crises.retract(c, crisis, request, by)))
    click.echo(t("retract.recorded"))


@click.command(help=t("help.done"))
@click.argument("crisis")
@click.argument("task")
@as_option
@click.option("--url", default=None, metavar="URL", help=t("help.done_url"))
@click.option("--note", default="", metavar="TEXTE", help=t("help.done_note"))
@friendly
def done(crisis: str, task: str, person: str | None, url: str | None, note: str) -> None:
    settings = load_settings()
    who = who_acts(person)
    by = operator_of(settings)
    request = TaskDoneRequest(person=who, task=task, url=url or None, note=note.strip())
    run(with_client(settings, lambda c: crises.task_done(c, crisis, request, by)))
    click.echo(t("done.recorded", task=task))


COMMANDS: tuple[click.Command, ...] = (
    trigger,
    list_command,
    status,
    fact,
    resolve,
    cancel,
    retract,
    done,
)
