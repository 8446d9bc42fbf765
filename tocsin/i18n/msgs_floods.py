"""Messages of the trigger rates and of `tocsin list`'s pages and filters (floods, issue 24)."""

MESSAGES = {
    "rate.person": (
        "Refusé\u00a0: {who} a déjà déclenché {count}\u00a0{kind} dans les {window}\u00a0dernières "
        "minutes (limite\u00a0: {limit}). Prochain déclenchement possible à {at}.",
        "Refused: {who} has already triggered {count} {kind} in the last {window} minutes "
        "(limit: {limit}). The next trigger is allowed at {at}.",
        "Abgelehnt: {who} hat in den letzten {window} Minuten bereits {count} {kind} ausgelöst "
        "(Limit: {limit}). Die nächste Auslösung ist um {at} möglich.",
    ),
    "rate.playbook": (
        "Refusé\u00a0: le playbook «\u202f{who}\u202f» a déjà servi à déclencher "
        "{count}\u00a0{kind} dans les {window}\u00a0dernières minutes (limite\u00a0: {limit}). "
        "Prochain déclenchement possible à {at}.",
        "Refused: the playbook “{who}” has already been used to trigger {count} {kind} in the "
        "last {window} minutes (limit: {limit}). The next trigger is allowed at {at}.",
        "Abgelehnt: Mit dem Playbook „{who}“ wurden in den letzten {window} Minuten bereits "
        "{count} {kind} ausgelöst (Limit: {limit}). Die nächste Auslösung ist um {at} möglich.",
    ),
    "rate.kind.real.one": ("crise réelle", "real crisis", "echte Krise"),
    "rate.kind.real.many": ("crises réelles", "real crises", "echte Krisen"),
    "rate.kind.exercise.one": ("exercice", "exercise", "Übung"),
    "rate.kind.exercise.many": ("exercices", "exercises", "Übungen"),
    "help.worker_queues": (
        "Les files servies\u00a0: les deux (crises réelles et exercices), ou l’une seulement, pour "
        "servir les exercices à part (une autre machine, une priorité plus basse).",
        "The queues served: both (real crises and exercises), or one only, to serve exercises "
        "apart (another machine, a lower priority).",
        "Die bedienten Warteschlangen: beide (echte Krisen und Übungen) oder nur eine, um Übungen "
        "getrennt zu bedienen (andere Maschine, niedrigere Priorität).",
    ),
    "help.list_status": (
        "Seulement les crises dans cet état.",
        "Only the crises in this state.",
        "Nur die Krisen in diesem Zustand.",
    ),
    "help.list_playbook": (
        "Seulement les crises de ce playbook.",
        "Only the crises of this playbook.",
        "Nur die Krisen dieses Playbooks.",
    ),
    "help.list_exercise": (
        "Seulement les exercices (--exercise) ou les crises réelles (--real). Par défaut\u00a0: "
        "les crises réelles d’abord, puis les exercices.",
        "Only exercises (--exercise) or real crises (--real). By default: real crises first, "
        "then exercises.",
        "Nur Übungen (--exercise) oder echte Krisen (--real). Standard: zuerst echte Krisen, "
        "dann Übungen.",
    ),
    "help.list_limit": (
        "Crises par page (1 à 1\u00a0000).",
        "Crises per page (1 to 1,000).",
        "Krisen pro Seite (1 bis 1.000).",
    ),
    "help.list_page_token": (
        "La page suivante, donnée à la fin de la précédente.",
        "The next page, as given at the end of the previous one.",
        "Die nächste Seite, wie am Ende der vorigen angegeben.",
    ),
    "list.more": (
        "Suite\u00a0: tocsin list --page-token {token} (avec les mêmes filtres).",
        "More: tocsin list --page-token {token} (with the same filters).",
        "Weiter: tocsin list --page-token {token} (mit denselben Filtern).",
    ),
    "list.bad_option": (
        "Valeur inutilisable pour {option}\u00a0: «\u202f{value}\u202f». {expected}",
        "Unusable value for {option}: “{value}”. {expected}",
        "Unbrauchbarer Wert für {option}: „{value}“. {expected}",
    ),
    "list.expected_token": (
        "Reprenez le jeton donné à la fin de la page précédente, avec les mêmes filtres.",
        "Use the token given at the end of the previous page, with the same filters.",
        "Verwenden Sie das am Ende der vorigen Seite angegebene Token, mit denselben Filtern.",
    ),
    "list.expected_playbook": (
        "Un identifiant de playbook (tocsin playbooks list).",
        "A playbook id (tocsin playbooks list).",
        "Eine Playbook-Kennung (tocsin playbooks list).",
    ),
}
