"""``!tocsin`` commands in Matrix: approve, reject, ask for changes (in a card's thread, or
naming the crisis), a crisis's status, a fact, its resolution, and starting one.

Only the people of a crisis hear of it: anyone else, and a crisis that does not exist, get the
same answer. The verbs are French, English and German, as in Slack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import structlog

from tocsin import crises, rates
from tocsin.config import Settings
from tocsin.i18n import t
from tocsin.i18n.formats import phase_name
from tocsin.matrix.front import REFUSALS, MatrixFront, Unmapped
from tocsin.models import CrisisStatus, DecisionAction, FactRequest, ResolveRequest
from tocsin.models.workflow import CRISIS_ID
from tocsin.playbook import ParameterProblems, PlaybookLibrary
from tocsin.slack.start import library_file, rendered

if TYPE_CHECKING:
    from tocsin.matrix.handlers import Card, Handlers, Where

log = structlog.get_logger("tocsin.matrix")

APPROVE = frozenset({"approuver", "approve", "genehmigen"})
REJECT = frozenset({"rejeter", "reject", "ablehnen"})
CHANGE = frozenset({"modifier", "change", "ändern"})
STATUS = frozenset({"statut", "status"})
FACT = frozenset({"fait", "fact", "fakt"})
RESOLVE = frozenset({"resoudre", "résoudre", "resolve", "beenden"})
START = frozenset({"lancer", "start", "starten"})
EXERCISE = frozenset({"--exercice", "--exercise", "--übung"})


def status_line(status: CrisisStatus) -> str:
    waiting = ", ".join(n for p in status.pending for n in p.names)
    phase = phase_name(status.phase, status.sequence) if status.phase else t("slack.no_phase")
    return t(
        "matrix.status",
        title=status.title,
        state=t(f"state.{status.state}"),
        phase=phase,
        revision=status.revision or "–",
        waiting=waiting or t("slack.nobody"),
    )


def _split(rest: str) -> tuple[str, str]:
    """The first word and the rest of the line (its other lines kept)."""
    parts = rest.strip().split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""


class Commands:
    def __init__(
        self,
        front: MatrixFront,
        settings: Settings | None = None,
        library: PlaybookLibrary | None = None,
    ) -> None:
        self.front = front
        self.settings = settings
        self.library = library

    def crisis_and_rest(self, rest: str, card: Card | None) -> tuple[str, str]:
        """The crisis named first, or else the card's; and what follows."""
        first, after = _split(rest)
        if CRISIS_ID.fullmatch(first):
            return first, after
        return (card.crisis if card is not None else ""), rest.strip()

    async def run(
        self,
        verb: str,
        rest: str,
        sender: str,
        card: Card | None,
        where: Where,
        handlers: Handlers,
    ) -> None:
        front = self.front
        crisis, text = self.crisis_and_rest(rest, card)
        try:
            if verb in START:
                await self.start(rest, sender, where)
                return
            if not crisis or verb not in APPROVE | REJECT | CHANGE | STATUS | FACT | RESOLVE:
                await front.reply(*where, t("matrix.usage"))
                return
            if verb in APPROVE | REJECT | CHANGE:
                if card is not None and card.crisis == crisis:
                    revision = card.revision
                else:
                    await front.person(crisis, sender)  # a stranger learns nothing of it
                    revision = (
                        await crises.current_revision(await front.temporal(), crisis)
                    ).revision
                if verb in APPROVE:
                    from tocsin.matrix.handlers import Card as Named

                    named = Named(crisis, revision, where[2])
                    if text and await handlers.approve_with_edits(sender, named, text, where):
                        return
                    action = DecisionAction.APPROVE
                else:
                    action = (
                        DecisionAction.REJECT if verb in REJECT else DecisionAction.REQUEST_CHANGES
                    )
                await handlers.decide(sender, crisis, revision, action, where, comment=text)
            elif verb in STATUS:
                await front.person(crisis, sender)
                await front.reply(*where, status_line(await front.status(crisis)))
            elif verb in FACT:
                person = await front.person(crisis, sender)
                await crises.add_fact(
                    await front.temporal(),
                    crisis,
                    FactRequest(person=person, text=text),
                    front.signed_as(sender),
                )
                await front.reply(*where, t("slack.fact_added", crisis=crisis))
            else:
                person = await front.person(crisis, sender)
                await crises.resolve(
                    await front.temporal(),
                    crisis,
                    ResolveRequest(person=person, summary=text),
                    front.signed_as(sender),
                )
                await front.reply(*where, t("slack.resolved", crisis=crisis))
        except Unmapped as exc:
            # Nobody in the crisis, or no such crisis: the same private answer.
            await front.refuse(exc, sender, where)
        except crises.UnknownCrisis:
            await front.refuse(Unmapped(sender), sender, where)
        except REFUSALS as exc:
            await front.refuse(exc, sender, where)

    async def start(self, rest: str, sender: str, where: Where) -> None:
        """``!tocsin lancer PLAYBOOK [nom=valeur …] [--exercice]``: the crisis starts at once,
        with the parameters given (today's key)."""
        front, library, settings = self.front, self.library, self.settings
        words = rest.split()
        name = words[0] if words else ""
        parsed = library_file(library, name) if library is not None and name else None
        person = (
            next(
                (p for p, x in parsed.playbook.people.items() if x.matrix_user_id == sender),
                None,
            )
            if parsed is not None
            else None
        )
        if library is None or settings is None or parsed is None or person is None:
            await front.tell_privately(
                sender, where[1], t("matrix.unknown_playbook", name=name[:60])
            )
            return
        loaded = rendered(library, parsed)
        if loaded is None:
            await front.reply(*where, t("slack.playbook_invalid", name=name))
            return
        given = dict(w.split("=", 1) for w in words[1:] if "=" in w)
        try:
            crisis = crises.build_input(
                loaded,
                library.template_folders,
                given,
                key=crises.default_key(loaded.playbook.timezone),
                person=person,
                exercise=any(w.lower() in EXERCISE for w in words[1:]),
                max_history_events=settings.max_history_events,
                guardrails=library.guardrail_settings(),
            )
            started = await crises.trigger(
                await front.temporal(), settings, crisis, front.signed_as(sender)
            )
        except ParameterProblems as exc:
            names = ", ".join([*exc.missing, *(name for name, _, _ in exc.invalid)])
            await front.reply(*where, t("matrix.parameters", names=names[:300]))
            return
        except crises.DifferentParameters as exc:
            text = t("slack.different_parameters", crisis=exc.crisis, names=", ".join(exc.names))
            await front.reply(*where, text)
            return
        except (rates.TooManyTriggers, crises.BadKey, crises.ClosedCrisisExists) as exc:
            said = (
                t("trigger.closed_exists", crisis=exc.crisis)
                if isinstance(exc, crises.ClosedCrisisExists)
                else exc.localized()
            )
            await front.reply(*where, said)
            return
        key = "slack.already_running" if started.existing else "slack.started"
        await front.reply(*where, t(key, crisis=started.crisis_id))
