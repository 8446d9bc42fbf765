"""The Slack app's words: commands, dialogs, cards, refusals (French first, with French
typography: U+00A0 before a colon, U+202F before ; ! ? and inside « »).

Carried into the gettext catalogues by ``python -m tocsin.i18n.convert``."""

__all__ = ["MESSAGES"]

MESSAGES = {
    "slack.already_running": (
        "Crise {crisis} déjà en cours.",
        "Crisis {crisis} already running.",
        "Krise {crisis} läuft bereits.",
    ),
    "slack.approve": (
        "Approuver",
        "Approve",
        "Freigeben",
    ),
    "slack.approve_with_edits": (
        "Approuver avec modifications",
        "Approve with edits",
        "Mit Änderungen freigeben",
    ),
    "slack.approved": (
        "✅ Approuvé par {who} le {when} (révision {revision}).",
        "✅ Approved by {who} on {when} (revision {revision}).",
        "✅ Freigegeben von {who} am {when} (Fassung {revision}).",
    ),
    "slack.approved_edits": (
        "✅ Approuvé avec {count} modification(s) par {who} le {when} (révision {revision}).",
        "✅ Approved with {count} edit(s) by {who} on {when} (revision {revision}).",
        "✅ Mit {count} Änderung(en) freigegeben von {who} am {when} (Fassung {revision}).",
    ),
    "slack.approvers": (
        "*Approbation* {who}",
        "*Approval* {who}",
        "*Freigabe* {who}",
    ),
    "slack.bad_mode": (
        "TOCSIN_SLACK_MODE\xa0: «\u202f{mode}\u202f», socket ou http attendu",
        "TOCSIN_SLACK_MODE: “{mode}”, socket or http expected",
        "TOCSIN_SLACK_MODE: „{mode}“, socket oder http erwartet",
    ),
    "slack.blocking_hint": (
        (
            "_Constat bloquant\xa0: corrigez le texte, ou *Approuver avec "
            "modifications* avec une justification de dérogation (rôles "
            "autorisés par le playbook)._"
        ),
        (
            "_Blocking finding: fix the text, or *Approve with edits* with a "
            "written justification (roles the playbook allows)._"
        ),
        (
            "_Blockierender Befund: korrigieren Sie den Text, oder *Mit "
            "Änderungen freigeben* mit einer schriftlichen Begründung (Rollen, "
            "die das Playbook zulässt)._"
        ),
    ),
    "slack.cancel": (
        "Annuler",
        "Cancel",
        "Abbrechen",
    ),
    "slack.card_text": (
        "{drill}{title}\xa0: {what}",
        "{drill}{title}: {what}",
        "{drill}{title}: {what}",
    ),
    "slack.changes_requested": (
        (
            "✏️ Modifications demandées par {who} le {when}\xa0: {comment}. Une "
            "nouvelle révision est attendue."
        ),
        "✏️ Changes requested by {who} on {when}: {comment}. A new revision is expected.",
        "✏️ Änderungen erbeten von {who} am {when}: {comment}. Eine neue Fassung wird erwartet.",
    ),
    "slack.channel.bluesky": (
        "Bluesky",
        "Bluesky",
        "Bluesky",
    ),
    "slack.channel.cell_broadcast": (
        "Diffusion cellulaire",
        "Cell broadcast",
        "Cell Broadcast",
    ),
    "slack.channel.facebook": (
        "Facebook",
        "Facebook",
        "Facebook",
    ),
    "slack.channel.hotline": (
        "Script de la cellule d’information",
        "Hotline script",
        "Hotline-Skript",
    ),
    "slack.channel.instagram": (
        "Instagram",
        "Instagram",
        "Instagram",
    ),
    "slack.channel.linkedin": (
        "LinkedIn",
        "LinkedIn",
        "LinkedIn",
    ),
    "slack.channel.mastodon": (
        "Mastodon",
        "Mastodon",
        "Mastodon",
    ),
    "slack.channel.poster": (
        "Affiche",
        "Poster",
        "Aushang",
    ),
    "slack.channel.press_release": (
        "Communiqué de presse",
        "Press release",
        "Pressemitteilung",
    ),
    "slack.channel.radio": (
        "Message radio",
        "Radio message",
        "Radiomeldung",
    ),
    "slack.channel.sms": (
        "SMS",
        "SMS",
        "SMS",
    ),
    "slack.channel.website": (
        "Site internet",
        "Website",
        "Website",
    ),
    "slack.channel.x": (
        "X",
        "X",
        "X",
    ),
    "slack.comment": (
        "Commentaire",
        "Comment",
        "Kommentar",
    ),
    "slack.cut": (
        "\n… (aperçu coupé\u202f; le texte publié est complet)",
        "\n… (preview cut; the published text is complete)",
        "\n… (Vorschau gekürzt; der veröffentlichte Text ist vollständig)",
    ),
    "slack.deadline": (
        "*Échéance* {at}",
        "*Deadline* {at}",
        "*Frist* {at}",
    ),
    "slack.deadline_line": (
        "⏰ Échéance dépassée\xa0: la révision {revision} n’est pas approuvée. {who}",
        "⏰ Deadline missed: revision {revision} is not approved. {who}",
        "⏰ Frist versäumt: Fassung {revision} ist nicht freigegeben. {who}",
    ),
    "slack.different_parameters": (
        (
            "Une crise {crisis} est déjà en cours aujourd’hui avec d’autres "
            "valeurs ({names})\xa0: rien n’est déclenché. Pour une seconde crise "
            "le même jour, déclenchez-la en ligne de commande avec sa propre clé "
            "(--key)."
        ),
        (
            "A crisis {crisis} is already running today with other values "
            "({names}): nothing is triggered. For a second crisis on the same "
            "day, trigger it from the command line with its own key (--key)."
        ),
        (
            "Eine Krise {crisis} läuft heute bereits mit anderen Werten "
            "({names}): Nichts wird ausgelöst. Für eine zweite Krise am selben "
            "Tag lösen Sie sie auf der Kommandozeile mit eigenem Schlüssel aus "
            "(--key)."
        ),
    ),
    "slack.escalation_line": (
        "⬆️ Escalade vers {role}\xa0: {who}, à vous d’approuver la révision {revision}.",
        "⬆️ Escalated to {role}: {who}, revision {revision} is yours to approve.",
        "⬆️ Eskaliert an {role}: {who}, bitte geben Sie Fassung {revision} frei.",
    ),
    "slack.example": (
        "ex. {example}",
        "e.g. {example}",
        "z. B. {example}",
    ),
    "slack.exercise": (
        "EXERCICE",
        "EXERCISE",
        "ÜBUNG",
    ),
    "slack.exercise_label": (
        "Exercice",
        "Exercise",
        "Übung",
    ),
    "slack.exercise_option": (
        "C’est un exercice (rien de réel)",
        "This is an exercise (nothing real)",
        "Dies ist eine Übung (nichts Echtes)",
    ),
    "slack.fact_added": (
        "Fait ajouté à {crisis}\xa0: il figurera dans le prochain message.",
        "Fact added to {crisis}: it will be in the next message.",
        "Tatsache zu {crisis} hinzugefügt: Sie erscheint in der nächsten Meldung.",
    ),
    "slack.finding": (
        "{mark} *{rule}* {where}{words}\xa0: {message}",
        "{mark} *{rule}* {where}{words}: {message}",
        "{mark} *{rule}* {where}{words}: {message}",
    ),
    "slack.incomplete": (
        "Configuration Slack incomplète\xa0: {problems}.",
        "Incomplete Slack settings: {problems}.",
        "Unvollständige Slack-Einstellungen: {problems}.",
    ),
    "slack.malformed": (
        (
            "⛔ Cette demande n’a pas pu être lue\xa0: rien n’a été fait. "
            "Recommencez depuis la carte, ou avec la commande tocsin."
        ),
        (
            "⛔ This request could not be read: nothing was done. Try again from "
            "the card, or with the tocsin command."
        ),
        (
            "⛔ Diese Anfrage konnte nicht gelesen werden: Es wurde nichts getan. "
            "Versuchen Sie es erneut über die Karte oder mit dem Befehl tocsin."
        ),
    ),
    "slack.missing_app_token": (
        "SLACK_APP_TOKEN manque (xapp-…, mode Socket)",
        "SLACK_APP_TOKEN is missing (xapp-…, Socket Mode)",
        "SLACK_APP_TOKEN fehlt (xapp-…, Socket-Modus)",
    ),
    "slack.missing_channel": (
        "TOCSIN_SLACK_CHANNEL manque (l’id du canal de crise, C…)",
        "TOCSIN_SLACK_CHANNEL is missing (the crisis channel's id, C…)",
        "TOCSIN_SLACK_CHANNEL fehlt (die ID des Krisenkanals, C…)",
    ),
    "slack.missing_signing_secret": (
        "SLACK_SIGNING_SECRET manque (mode HTTP)",
        "SLACK_SIGNING_SECRET is missing (HTTP mode)",
        "SLACK_SIGNING_SECRET fehlt (HTTP-Modus)",
    ),
    "slack.modal.approve_with_edits": (
        "Approuver, modifié",
        "Approve with edits",
        "Geändert freigeben",
    ),
    "slack.modal.request_changes": (
        "Demander des modifs",
        "Request changes",
        "Änderungen erbitten",
    ),
    "slack.more_findings": (
        "… et {count} autre(s) (tocsin status).",
        "… and {count} more (tocsin status).",
        "… und {count} weitere (tocsin status).",
    ),
    "slack.more_texts": (
        "{count} autres textes (voir `tocsin status`)\xa0: {rest}",
        "{count} more texts (see `tocsin status`): {rest}",
        "{count} weitere Texte (siehe `tocsin status`): {rest}",
    ),
    "slack.new_revision": (
        "🆕 Révision {revision} à approuver\xa0: {who}.",
        "🆕 Revision {revision} to approve: {who}.",
        "🆕 Fassung {revision} zur Freigabe: {who}.",
    ),
    "slack.next_update": (
        "*Prochain point annoncé* {at}",
        "*Next update announced* {at}",
        "*Nächster Lagebericht angekündigt* {at}",
    ),
    "slack.no_crisis": (
        "⛔ Aucune crise «\u202f{crisis}\u202f» parmi les vôtres.",
        "⛔ No crisis “{crisis}” among yours.",
        "⛔ Keine Krise „{crisis}“ unter Ihren.",
    ),
    "slack.no_library": (
        "⛔ Ce déploiement ne déclenche pas de crise depuis Slack.",
        "⛔ This deployment does not trigger crises from Slack.",
        "⛔ Diese Installation löst keine Krisen aus Slack aus.",
    ),
    "slack.no_markup": (
        " _(texte affiché sans balises)_",
        " _(text shown without markup)_",
        " _(Text ohne Auszeichnung angezeigt)_",
    ),
    "slack.no_phase": (
        "aucune phase en cours",
        "no phase in progress",
        "keine laufende Phase",
    ),
    "slack.nobody": (
        "personne",
        "nobody",
        "niemand",
    ),
    "slack.not_a_person": (
        "Votre compte Slack n’est relié à aucune personne de ce playbook.",
        "Your Slack account is linked to no person of this playbook.",
        "Ihr Slack-Konto ist mit keiner Person dieses Playbooks verknüpft.",
    ),
    "slack.not_a_playbook_id": (
        (
            "⛔ Un playbook se nomme par son identifiant (eau-non-potable, par "
            "exemple), jamais par un chemin."
        ),
        "⛔ A playbook is named by its id (eau-non-potable, say), never by a path.",
        (
            "⛔ Ein Playbook wird mit seiner Kennung benannt (etwa "
            "eau-non-potable), nie mit einem Pfad."
        ),
    ),
    "slack.not_configured": (
        (
            "Slack n’est pas configuré\xa0: définissez SLACK_BOT_TOKEN, "
            "TOCSIN_SLACK_CHANNEL et SLACK_APP_TOKEN (ou SLACK_SIGNING_SECRET en "
            "mode HTTP). Voir le README, «\u202fSlack\u202f»."
        ),
        (
            "Slack is not configured: set SLACK_BOT_TOKEN, TOCSIN_SLACK_CHANNEL "
            "and SLACK_APP_TOKEN (or SLACK_SIGNING_SECRET in HTTP mode). See the "
            "README, 'Slack'."
        ),
        (
            "Slack ist nicht eingerichtet: setzen Sie SLACK_BOT_TOKEN, "
            "TOCSIN_SLACK_CHANNEL und SLACK_APP_TOKEN (im HTTP-Modus "
            "SLACK_SIGNING_SECRET). Siehe README, Abschnitt 'Slack'."
        ),
    ),
    "slack.note": (
        "Note\xa0: {note}",
        "Note: {note}",
        "Hinweis: {note}",
    ),
    "slack.note_optional": (
        "Note (facultative)",
        "Note (optional)",
        "Hinweis (optional)",
    ),
    "slack.notice.approval_requested": (
        "révision {revision} à approuver",
        "revision {revision} to approve",
        "Fassung {revision} zur Freigabe",
    ),
    "slack.notice.changes_requested": (
        "modifications demandées sur la révision {revision}",
        "changes requested on revision {revision}",
        "Änderungen an Fassung {revision} erbeten",
    ),
    "slack.notice.closed": (
        "crise terminée\u202f; le retour d’expérience suit",
        "crisis over; the review follows",
        "Krise beendet; die Nachbetrachtung folgt",
    ),
    "slack.notice.deadline_missed": (
        "échéance dépassée pour la révision {revision}",
        "deadline missed for revision {revision}",
        "Frist für Fassung {revision} versäumt",
    ),
    "slack.notice.decided": (
        "décision sur la révision {revision}",
        "decision on revision {revision}",
        "Entscheidung über Fassung {revision}",
    ),
    "slack.notice.escalation": (
        "escalade\xa0: révision {revision} à approuver",
        "escalated: revision {revision} to approve",
        "eskaliert: Fassung {revision} zur Freigabe",
    ),
    "slack.notice.info": (
        "pour information",
        "for information",
        "zur Information",
    ),
    "slack.notice.published": (
        "publié (révision {revision})",
        "published (revision {revision})",
        "veröffentlicht (Fassung {revision})",
    ),
    "slack.notice.reminder": (
        "rappel\xa0: révision {revision} en attente",
        "reminder: revision {revision} waiting",
        "Erinnerung: Fassung {revision} wartet",
    ),
    "slack.notice.review": (
        "retour d’expérience",
        "review",
        "Nachbetrachtung",
    ),
    "slack.notice.withdrawn": (
        "révision {revision} retirée\xa0: une rétractation la remplace",
        "revision {revision} withdrawn: a retraction replaces it",
        "Fassung {revision} zurückgezogen: Eine Richtigstellung ersetzt sie",
    ),
    "slack.override": (
        "Justification de la dérogation aux constats bloquants",
        "Justification for overriding the blocking findings",
        "Begründung für das Übergehen der blockierenden Befunde",
    ),
    "slack.parameter.boolean": (
        "oui ou non attendu",
        "yes or no expected",
        "ja oder nein erwartet",
    ),
    "slack.parameter.datetime": (
        "date et heure attendues (2026-11-23T14:30)",
        "date and time expected (2026-11-23T14:30)",
        "Datum und Uhrzeit erwartet (2026-11-23T14:30)",
    ),
    "slack.parameter.email": (
        "adresse e-mail attendue",
        "e-mail address expected",
        "E-Mail-Adresse erwartet",
    ),
    "slack.parameter.integer": (
        "nombre entier attendu",
        "whole number expected",
        "ganze Zahl erwartet",
    ),
    "slack.parameter.number": (
        "nombre attendu",
        "number expected",
        "Zahl erwartet",
    ),
    "slack.parameter.phone": (
        "numéro de téléphone attendu",
        "phone number expected",
        "Telefonnummer erwartet",
    ),
    "slack.parameter.string": (
        "une ligne de texte attendue, pas trop longue",
        "one line of text expected, not too long",
        "eine Zeile Text erwartet, nicht zu lang",
    ),
    "slack.parameter.text": (
        "un texte attendu, pas trop long",
        "a text expected, not too long",
        "ein Text erwartet, nicht zu lang",
    ),
    "slack.parameter.url": (
        "adresse web attendue (https://…)",
        "web address expected (https://…)",
        "Webadresse erwartet (https://…)",
    ),
    "slack.playbook_invalid": (
        (
            "⛔ Le playbook «\u202f{name}\u202f» ne se charge pas\xa0: l’équipe "
            "qui l’entretient le vérifie avec tocsin lint."
        ),
        (
            "⛔ The playbook “{name}” does not load: the team that maintains it "
            "checks it with tocsin lint."
        ),
        (
            "⛔ Das Playbook „{name}“ lässt sich nicht laden: Das zuständige Team "
            "prüft es mit tocsin lint."
        ),
    ),
    "slack.proposal": (
        "- {text}\xa0: «\u202f{proposal}\u202f»",
        "- {text}: “{proposal}”",
        "- {text}: „{proposal}“",
    ),
    "slack.proposals": (
        "Propositions\xa0:",
        "Proposals:",
        "Vorschläge:",
    ),
    "slack.published_line": (
        "📣 Publié\xa0: {phase}, révision {revision}.",
        "📣 Published: {phase}, revision {revision}.",
        "📣 Veröffentlicht: {phase}, Fassung {revision}.",
    ),
    "slack.published_text": (
        "*{channel} · {lang}* publié",
        "*{channel} · {lang}* published",
        "*{channel} · {lang}* veröffentlicht",
    ),
    "slack.quoted": (
        " «\u202f{words}\u202f»",
        " “{words}”",
        " „{words}“",
    ),
    "slack.ready": (
        "App Slack prête ({where}).",
        "Slack app ready ({where}).",
        "Slack-App bereit ({where}).",
    ),
    "slack.reason": (
        "Motif du rejet",
        "Reason for rejecting",
        "Grund der Ablehnung",
    ),
    "slack.refused": (
        "⛔ Refusé\xa0: {reason}",
        "⛔ Refused: {reason}",
        "⛔ Abgelehnt: {reason}",
    ),
    "slack.reject": (
        "Rejeter",
        "Reject",
        "Ablehnen",
    ),
    "slack.reject_confirm": (
        "Rejeter cette révision\u202f?",
        "Reject this revision?",
        "Diese Fassung ablehnen?",
    ),
    "slack.reject_effect": (
        "Rien ne sera publié pour cette phase.",
        "Nothing will be published for this phase.",
        "Für diese Phase wird nichts veröffentlicht.",
    ),
    "slack.rejected": (
        "⛔ Rejeté par {who} le {when}\xa0: {comment}. Rien n’est publié.",
        "⛔ Rejected by {who} on {when}: {comment}. Nothing is published.",
        "⛔ Abgelehnt von {who} am {when}: {comment}. Es wird nichts veröffentlicht.",
    ),
    "slack.reminder_line": (
        "🔔 Rappel\xa0: {who}, la révision {revision} attend votre décision.",
        "🔔 Reminder: {who}, revision {revision} awaits your decision.",
        "🔔 Erinnerung: {who}, Fassung {revision} wartet auf Ihre Entscheidung.",
    ),
    "slack.request_changes": (
        "Demander des modifications",
        "Request changes",
        "Änderungen erbitten",
    ),
    "slack.required": (
        "Ce champ est obligatoire.",
        "This field is required.",
        "Dieses Feld ist erforderlich.",
    ),
    "slack.resolved": (
        "Crise {crisis} résolue\xa0: le message de fin va être rédigé.",
        "Crisis {crisis} resolved: the closing message will be drafted.",
        "Krise {crisis} beendet: Die Abschlussmeldung wird verfasst.",
    ),
    "slack.revise": (
        "Réviser",
        "Revise",
        "Überarbeiten",
    ),
    "slack.revision": (
        "*Révision* {revision}",
        "*Revision* {revision}",
        "*Fassung* {revision}",
    ),
    "slack.send": (
        "Envoyer",
        "Send",
        "Senden",
    ),
    "slack.stale": (
        "⛔ Cette révision n’est plus celle en attente.",
        "⛔ This revision is no longer the one awaiting approval.",
        "⛔ Diese Fassung ist nicht mehr die zur Freigabe anstehende.",
    ),
    "slack.started": (
        "Crise {crisis} déclenchée.",
        "Crisis {crisis} triggered.",
        "Krise {crisis} ausgelöst.",
    ),
    "slack.status": (
        "*{title}*\xa0: {state} · {phase} · révision {revision} · en attente de {waiting}",
        "*{title}*: {state} · {phase} · revision {revision} · waiting for {waiting}",
        "*{title}*: {state} · {phase} · Fassung {revision} · wartet auf {waiting}",
    ),
    "slack.too_long": (
        "⚠️ *Trop long pour le canal*\xa0: {texts}",
        "⚠️ *Too long for the channel*: {texts}",
        "⚠️ *Zu lang für den Kanal*: {texts}",
    ),
    "slack.trigger": (
        "Déclencher",
        "Trigger",
        "Auslösen",
    ),
    "slack.unit.characters": (
        "caractères",
        "characters",
        "Zeichen",
    ),
    "slack.unit.graphemes": (
        "graphèmes",
        "graphemes",
        "Grapheme",
    ),
    "slack.unit.pages": (
        "pages",
        "pages",
        "Seiten",
    ),
    "slack.unit.seconds": (
        "secondes",
        "seconds",
        "Sekunden",
    ),
    "slack.unit.segments": (
        "segments",
        "segments",
        "Segmente",
    ),
    "slack.unit.weighted_characters": (
        "caractères pondérés",
        "weighted characters",
        "gewichtete Zeichen",
    ),
    "slack.unit.words": (
        "mots",
        "words",
        "Wörter",
    ),
    "slack.unknown_playbook": (
        "⛔ Aucun playbook «\u202f{name}\u202f» que vous puissiez lancer.",
        "⛔ No playbook “{name}” that you can start.",
        "⛔ Kein Playbook „{name}“, das Sie starten können.",
    ),
    "slack.unmapped": (
        (
            "⛔ Votre compte Slack n’est relié à aucune personne de cette "
            "crise\xa0: l’équipe qui tient le playbook peut vous y ajouter."
        ),
        (
            "⛔ Your Slack account is linked to no person of this crisis: the "
            "team that keeps the playbook can add you."
        ),
        (
            "⛔ Ihr Slack-Konto ist mit keiner Person dieser Krise verknüpft: Das "
            "Team, das das Playbook pflegt, kann Sie hinzufügen."
        ),
    ),
    "slack.usage": (
        (
            "Utilisation\xa0: `/tocsin lancer PLAYBOOK` · `/tocsin statut CRISE` "
            "· `/tocsin fait CRISE texte` · `/tocsin resoudre CRISE [message]`"
        ),
        (
            "Usage: `/tocsin start PLAYBOOK` · `/tocsin status CRISIS` · "
            "`/tocsin fact CRISIS text` · `/tocsin resolve CRISIS [message]`"
        ),
        (
            "Aufruf: `/tocsin starten PLAYBOOK` · `/tocsin status KRISE` · "
            "`/tocsin fakt KRISE Text` · `/tocsin beenden KRISE [Meldung]`"
        ),
    ),
    "slack.what_to_change": (
        "Ce qu’il faut changer",
        "What to change",
        "Was zu ändern ist",
    ),
    "slack.your_playbooks": (
        "Les vôtres\xa0: {ids}.",
        "Yours: {ids}.",
        "Ihre: {ids}.",
    ),
}
