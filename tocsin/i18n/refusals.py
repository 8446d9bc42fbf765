"""Why the workflow refused an update (``refuse.<code>``, the ApplicationError type raised by
``workflows/rules.py``): stored in history in both languages, shown in the person's."""

from __future__ import annotations

# key: (français, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "refuse.NoGate": ("aucune déclaration n’attend de décision", "no statement awaits a decision"),
    "refuse.StaleRevision": (
        "la révision {given} n’est plus la bonne : la révision en cours est la {current}",
        "revision {given} is stale: the current revision is {current}",
    ),
    "refuse.UnknownPerson": (
        "« {person} » ne figure pas dans le playbook",
        "'{person}' is not in the playbook",
    ),
    "refuse.NotAnApprover": (
        "{person} n’a pas le rôle attendu ({roles})",
        "{person} does not hold the awaited role ({roles})",
    ),
    "refuse.SelfApproval": (
        "{person} est l’auteur de la révision {revision} : une autre personne doit décider "
        "(principe des quatre yeux)",
        "{person} wrote revision {revision}: someone else must decide (four-eyes principle)",
    ),
    "refuse.NotAwaitingRevision": (
        "aucune modification n’a été demandée",
        "no change has been requested",
    ),
    "refuse.NotAnAuthor": (
        "{person} ne peut pas rédiger (rôles autorisés : {roles})",
        "{person} may not write statements (allowed roles: {roles})",
    ),
    "refuse.NoRole": (
        "{person} n’a aucun rôle dans cette crise",
        "{person} holds no role in this crisis",
    ),
    "refuse.Ended": ("la crise est terminée", "the crisis has ended"),
    "refuse.BadEdit": (
        "le canal {channel} en {language} ne fait pas partie de cette déclaration",
        "channel {channel} in {language} is not part of this statement",
    ),
    "refuse.AlreadyResolved": ("la crise est déjà résolue", "the crisis is already resolved"),
    "refuse.AlreadyRetracted": (
        "une rétractation est déjà en cours",
        "a retraction is already under way",
    ),
    "refuse.NotAnEnder": (
        "{person} ne peut pas mettre fin à la crise (rôles autorisés : {roles})",
        "{person} may not end the crisis (allowed roles: {roles})",
    ),
    "refuse.AlreadyPublished": (
        "{count} message(s) déjà publié(s) : le public ne saurait pas que c’est fini. "
        "Rétractez-les (tocsin retract CRISE --reason « … ») : la rétractation est rédigée, "
        "approuvée et publiée comme les autres déclarations",
        "{count} message(s) already published: the public would never learn it is over. "
        "Retract them (tocsin retract CRISIS --reason '…'): the retraction is drafted, approved "
        "and published like any statement",
    ),
    "refuse.NothingPublished": (
        "rien n’a encore été publié : annulez la crise (tocsin cancel) au lieu de la rétracter",
        "nothing has been published yet: cancel the crisis (tocsin cancel) instead",
    ),
    "refuse.NoReason": ("dites pourquoi en une phrase", "say why in one sentence"),
    "refuse.SameRevision": (
        "cette révision ne change rien à la révision {revision} : modifiez un texte, ou "
        "ajoutez un fait puis redemandez une rédaction",
        "this revision changes nothing in revision {revision}: edit a text, or add a fact "
        "and redraft",
    ),
    "refuse.BlockingFindings": (
        "{count} constat(s) bloquant(s) ({rules}) : corrigez le texte, ou dérogez avec une "
        "justification écrite (--override « raison »)",
        "{count} blocking finding(s) ({rules}): fix the text, or override with a written "
        "justification (--override 'reason')",
    ),
    "refuse.OverrideNotAllowed": (
        "{person} ne peut pas déroger à un constat bloquant (rôles autorisés : {roles})",
        "{person} may not override a blocking finding (allowed roles: {roles})",
    ),
    "refuse.OverrideReason": (
        "la justification de la dérogation doit faire au moins {minimum} caractères",
        "the override's justification needs at least {minimum} characters",
    ),
}
