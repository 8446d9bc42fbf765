"""The review after a crisis (``review.*``): its summary, page, Markdown and labels, in French,
English and German (the review may be handed to a Luxembourg service in German).

Written with plain spaces: French typography (no-break spaces before : ; ! ? and inside « »)
is applied when a French message is shown (``tocsin.review.words``).
"""

from __future__ import annotations

# key: (français, English, Deutsch)
REVIEW: dict[str, tuple[str, str, str]] = {
    "review.title": (
        "Retour d’expérience — {title}",
        "Review — {title}",
        "Nachbetrachtung — {title}",
    ),
    "review.exercise": ("Exercice", "Exercise", "Übung"),
    "review.exercise_banner": (
        "Exercice : aucun de ces messages n’a été adressé au public.",
        "Exercise: none of these statements was addressed to the public.",
        "Übung: keine dieser Meldungen ging an die Öffentlichkeit.",
    ),
    "review.closed_at": ("close {at}", "closed {at}", "abgeschlossen {at}"),
    "review.cancelled": ("annulée ({reason})", "cancelled ({reason})", "abgebrochen ({reason})"),
    "review.failed": (
        "arrêtée sur une erreur",
        "stopped on an error",
        "wegen eines Fehlers gestoppt",
    ),
    "review.running": (
        "toujours en cours (état lu {at})",
        "still running (as read {at})",
        "läuft noch (Stand {at})",
    ),
    "review.state": (
        "Détectée {detected} par {who}, {state} ; durée {duration}.",
        "Detected {detected} by {who}, {state}; lasted {duration}.",
        "Erkannt {detected} von {who}, {state}; Dauer {duration}.",
    ),
    "review.counts": (
        "Révisions {revisions} · demandes de modification {changes} · refus {rejections} · "
        "escalades {escalations} · rappels {reminders} · dérogations {overrides}.",
        "Revisions {revisions} · change requests {changes} · rejections {rejections} · "
        "escalations {escalations} · reminders {reminders} · overrides {overrides}.",
        "Überarbeitungen {revisions} · Änderungswünsche {changes} · Ablehnungen {rejections} · "
        "Eskalationen {escalations} · Erinnerungen {reminders} · Ausnahmen {overrides}.",
    ),
    "review.no_cadence": (
        "Le playbook ne promet pas de points réguliers.",
        "The playbook promises no regular updates.",
        "Das Playbook sieht keine regelmäßigen Lagemeldungen vor.",
    ),
    "review.cadence": (
        "Un point promis toutes les {every} ; heures annoncées tenues {kept}, en retard {late}, "
        "manquées {missed} (tolérance {tolerance}).",
        "An update promised every {every}; announced times kept {kept}, late {late}, missed "
        "{missed} (tolerance {tolerance}).",
        "Eine Lagemeldung alle {every} zugesagt; angekündigte Zeiten eingehalten {kept}, "
        "verspätet {late}, verpasst {missed} (Toleranz {tolerance}).",
    ),
    "review.source": (
        "Référence {crisis} · construit depuis l’historique Temporal ({runs}) tel qu’il était "
        "{as_of} · fuseau horaire {zone}.",
        "Reference {crisis} · built from the Temporal history ({runs}) as it stood {as_of} · "
        "time zone {zone}.",
        "Referenz {crisis} · aus dem Temporal-Verlauf erstellt ({runs}), Stand {as_of} · "
        "Zeitzone {zone}.",
    ),
    "review.runs.one": ("{n} exécution", "{n} run", "{n} Ausführung"),
    "review.runs.other": ("{n} exécutions", "{n} runs", "{n} Ausführungen"),
    "review.and": ("et", "and", "und"),
    "review.at_time": ("à {time}", "at {time}", "um {time} Uhr"),
    "review.at_day": ("le {day} à {time}", "on {day} at {time}", "am {day} um {time} Uhr"),
    "review.unit.day": ("j", "d", "T."),
    "review.quoted": ("« {text} »", "“{text}”", "„{text}“"),
    "review.run": ("exécution {n}", "run {n}", "Ausführung {n}"),
    "review.statement_rev": (
        "{phase}, révision {revision}",
        "{phase}, revision {revision}",
        "{phase}, Fassung {revision}",
    ),
    "review.to_role": ("vers : {role}", "to: {role}", "an: {role}"),
    "review.refused_what": ("demande : {what}", "request: {what}", "Anfrage: {what}"),
    "review.sha": (
        "Empreinte SHA-256 : {sha}",
        "SHA-256 fingerprint: {sha}",
        "SHA-256-Prüfsumme: {sha}",
    ),
    "review.sha_html": (
        "Texte d’une page HTML, montré sans sa mise en page ; empreinte SHA-256 du fichier "
        "publié : {sha}",
        "Text of an HTML page, shown without its layout; SHA-256 fingerprint of the published "
        "file: {sha}",
        "Text einer HTML-Seite, ohne Layout gezeigt; SHA-256-Prüfsumme der veröffentlichten "
        "Datei: {sha}",
    ),
    "review.published_meta": (
        "Révision {revision}, approuvée par {who}, publiée {at} : {n} texte(s).",
        "Revision {revision}, approved by {who}, published {at}: {n} text(s).",
        "Fassung {revision}, freigegeben von {who}, veröffentlicht {at}: {n} Text(e).",
    ),
    "review.change.revised": (
        "{who} réécrit {channel} ({statement})",
        "{who} rewrites {channel} ({statement})",
        "{who} überarbeitet {channel} ({statement})",
    ),
    "review.change.approver": (
        "{who} corrige {channel} en approuvant ({statement})",
        "{who} edits {channel} while approving ({statement})",
        "{who} ändert {channel} bei der Freigabe ({statement})",
    ),
    "review.n_edits.one": ("{n} texte modifié", "{n} text edited", "{n} Text geändert"),
    "review.n_edits.other": ("{n} textes modifiés", "{n} texts edited", "{n} Texte geändert"),
    "review.n_findings.one": (
        "{n} constat, dont {blocking} bloquant",
        "{n} finding, {blocking} blocking",
        "{n} Befund, davon {blocking} blockierend",
    ),
    "review.n_findings.other": (
        "{n} constats, dont {blocking} bloquant(s)",
        "{n} findings, {blocking} blocking",
        "{n} Befunde, davon {blocking} blockierend",
    ),
    # The executive summary.
    "review.sum.detected": (
        "La crise « {title} » a été détectée {at} par {who}.",
        "The crisis “{title}” was detected {at} by {who}.",
        "Die Krise „{title}“ wurde {at} von {who} erkannt.",
    ),
    "review.sum.exercise": (
        "C’était un exercice : chaque message portait la mention « EXERCICE ».",
        "It was an exercise: every statement said so.",
        "Es war eine Übung: jede Meldung war als solche gekennzeichnet.",
    ),
    "review.sum.first_none": (
        "Aucun message n’a été publié.",
        "No statement was published.",
        "Es wurde keine Meldung veröffentlicht.",
    ),
    "review.sum.first": (
        "Le premier message au public est parti {at}, {delay} après la détection, sur {channels}.",
        "The first statement to the public went out {at}, {delay} after detection, on {channels}.",
        "Die erste Meldung an die Öffentlichkeit ging {at} hinaus, {delay} nach der "
        "Erkennung, über {channels}.",
    ),
    "review.sum.channels.one": ("{n} canal", "{n} channel", "{n} Kanal"),
    "review.sum.channels.other": ("{n} canaux", "{n} channels", "{n} Kanäle"),
    "review.sum.phases_intro": (
        "Approbation de chaque message, face aux échéances du playbook :",
        "Each statement's approval, against the playbook's deadlines:",
        "Freigabe jeder Meldung, gemessen an den Fristen des Playbooks:",
    ),
    "review.sum.from_detection": ("la détection", "detection", "der Erkennung"),
    "review.sum.from_start": ("le début du point", "the update's start", "Beginn der Lagemeldung"),
    "review.sum.approved": (
        "{phase} : approuvé {at} par {who}, {elapsed} après {origin}.{after}",
        "{phase}: approved {at} by {who}, {elapsed} after {origin}.{after}",
        "{phase}: freigegeben {at} von {who}, {elapsed} nach {origin}.{after}",
    ),
    "review.sum.after": (" Au passage : {items}.", " Along the way: {items}.", " Dabei: {items}."),
    "review.sum.n_changes.one": (
        "{n} demande de modification",
        "{n} change request",
        "{n} Änderungswunsch",
    ),
    "review.sum.n_changes.other": (
        "{n} demandes de modification",
        "{n} change requests",
        "{n} Änderungswünsche",
    ),
    "review.sum.n_reminders.one": ("{n} rappel", "{n} reminder", "{n} Erinnerung"),
    "review.sum.n_reminders.other": ("{n} rappels", "{n} reminders", "{n} Erinnerungen"),
    "review.sum.n_escalations.one": (
        "{n} escalade ({roles})",
        "{n} escalation ({roles})",
        "{n} Eskalation ({roles})",
    ),
    "review.sum.n_escalations.other": (
        "{n} escalades ({roles})",
        "{n} escalations ({roles})",
        "{n} Eskalationen ({roles})",
    ),
    "review.sum.rejected": (
        "{phase} : rejeté {at} par {who} ; rien n’a été publié pour cette phase.",
        "{phase}: rejected {at} by {who}; nothing was published for this phase.",
        "{phase}: abgelehnt {at} von {who}; für diese Phase wurde nichts veröffentlicht.",
    ),
    "review.sum.waiting": (
        "{phase} : en attente d’approbation depuis {wait}.",
        "{phase}: awaiting approval for {wait}.",
        "{phase}: wartet seit {wait} auf Freigabe.",
    ),
    "review.sum.drafting": (
        "{phase} : en cours de rédaction.",
        "{phase}: being drafted.",
        "{phase}: in Arbeit.",
    ),
    "review.sum.abandoned": (
        "{phase} : aucune approbation avant la fin de la crise.",
        "{phase}: no approval before the crisis ended.",
        "{phase}: keine Freigabe vor dem Ende der Krise.",
    ),
    "review.sum.no_deadline": (
        "Le playbook ne fixe pas d’échéance.",
        "The playbook sets no deadline.",
        "Das Playbook setzt keine Frist.",
    ),
    "review.sum.deadline.met": (
        "Échéance : {deadline} ({allowed} après {origin}), tenue avec {margin} d’avance.",
        "Deadline: {deadline} ({allowed} after {origin}), met with {margin} to spare.",
        "Frist: {deadline} ({allowed} nach {origin}), eingehalten mit {margin} Vorsprung.",
    ),
    "review.sum.deadline.missed": (
        "Échéance : {deadline} ({allowed} après {origin}), manquée de {late}.",
        "Deadline: {deadline} ({allowed} after {origin}), missed by {late}.",
        "Frist: {deadline} ({allowed} nach {origin}), um {late} verpasst.",
    ),
    "review.sum.deadline.open": (
        "Échéance : {deadline} ({allowed} après {origin}).",
        "Deadline: {deadline} ({allowed} after {origin}).",
        "Frist: {deadline} ({allowed} nach {origin}).",
    ),
    "review.sum.overrides.one": (
        "{n} dérogation aux garde-fous a été accordée, justifiée par écrit : {rules}.",
        "{n} guardrail override was granted, with a written justification: {rules}.",
        "{n} Ausnahme von den Leitplanken wurde schriftlich begründet gewährt: {rules}.",
    ),
    "review.sum.overrides.other": (
        "{n} dérogations aux garde-fous ont été accordées, chacune justifiée par écrit : {rules}.",
        "{n} guardrail overrides were granted, each with a written justification: {rules}.",
        "{n} Ausnahmen von den Leitplanken wurden gewährt, jede schriftlich begründet: {rules}.",
    ),
    "review.sum.facts.one": (
        "{n} fait nouveau a été ajouté en cours de crise.",
        "{n} new fact was added during the crisis.",
        "{n} neue Tatsache wurde während der Krise ergänzt.",
    ),
    "review.sum.facts.other": (
        "{n} faits nouveaux ont été ajoutés en cours de crise.",
        "{n} new facts were added during the crisis.",
        "{n} neue Tatsachen wurden während der Krise ergänzt.",
    ),
    "review.sum.cadence": (
        "Le playbook promet un point toutes les {every} ; heures de point annoncées au public : "
        "{items}.",
        "The playbook promises an update every {every}; update times announced to the public: "
        "{items}.",
        "Das Playbook sieht alle {every} eine Lagemeldung vor; der Öffentlichkeit angekündigte "
        "Zeiten: {items}.",
    ),
    "review.sum.kept.one": ("{n} tenue", "{n} kept", "{n} eingehalten"),
    "review.sum.kept.other": ("{n} tenues", "{n} kept", "{n} eingehalten"),
    "review.sum.late.one": ("{n} en retard", "{n} late", "{n} verspätet"),
    "review.sum.late.other": ("{n} en retard", "{n} late", "{n} verspätet"),
    "review.sum.missed.one": ("{n} manquée", "{n} missed", "{n} verpasst"),
    "review.sum.missed.other": ("{n} manquées", "{n} missed", "{n} verpasst"),
    "review.sum.pending.one": ("{n} à venir", "{n} still ahead", "{n} noch offen"),
    "review.sum.pending.other": ("{n} à venir", "{n} still ahead", "{n} noch offen"),
    "review.sum.resolved": (
        "La crise a été déclarée résolue {at} par {who} : « {summary} ».",
        "The crisis was declared resolved {at} by {who}: “{summary}”.",
        "Die Krise wurde {at} von {who} für beendet erklärt: „{summary}“.",
    ),
    "review.sum.closed": (
        "Elle a été close {at}, {duration} après la détection.",
        "It was closed {at}, {duration} after detection.",
        "Sie wurde {at} abgeschlossen, {duration} nach der Erkennung.",
    ),
    "review.sum.retracted": (
        "Ce qui avait été publié a été rétracté {at} par {who} : « {reason} ». La déclaration "
        "de fin l’a dit au public.",
        "What had been published was retracted {at} by {who}: “{reason}”. The closing "
        "statement told the public.",
        "Das Veröffentlichte wurde {at} von {who} widerrufen: „{reason}“. Die Schlussmeldung "
        "hat es der Öffentlichkeit gesagt.",
    ),
    "review.sum.cancelled": (
        "La crise a été annulée {at} par {who} : « {reason} ».",
        "The crisis was cancelled {at} by {who}: “{reason}”.",
        "Die Krise wurde {at} von {who} abgebrochen: „{reason}“.",
    ),
    "review.sum.failed": (
        "Le déroulement de la crise s’est arrêté sur une erreur {at}.",
        "The crisis's workflow stopped on an error {at}.",
        "Der Ablauf der Krise wurde {at} durch einen Fehler gestoppt.",
    ),
    "review.sum.running": (
        "La crise est toujours en cours : ce retour d’expérience la décrit telle qu’elle "
        "était {at}.",
        "The crisis is still running: this review describes it as it stood {at}.",
        "Die Krise läuft noch: diese Nachbetrachtung beschreibt den Stand {at}.",
    ),
    # The team's notes.
    "review.h.notes": (
        "Retour d’expérience de l’équipe",
        "The team's review",
        "Auswertung des Teams",
    ),
    "review.notes.went_well": ("Ce qui a bien fonctionné", "What went well", "Was gut lief"),
    "review.notes.to_improve": ("À améliorer", "What to improve", "Was besser werden muss"),
    "review.notes.actions": ("Actions décidées", "Actions decided", "Beschlossene Maßnahmen"),
    "review.notes.held_on": (
        "Réunion de retour d’expérience du {day}.",
        "Review meeting of {day}.",
        "Auswertungssitzung vom {day}.",
    ),
    "review.notes.participants": (
        "Participants : {people}.",
        "Present: {people}.",
        "Teilnehmende: {people}.",
    ),
    "review.notes.done": ("faite", "done", "erledigt"),
    "review.notes.todo": ("à faire", "to do", "offen"),
    # Headings and columns.
    "review.h.summary": ("Synthèse", "Summary", "Zusammenfassung"),
    "review.h.figures": ("Chiffres", "Figures", "Kennzahlen"),
    "review.h.phases": ("Approbations par phase", "Approvals by phase", "Freigaben je Phase"),
    "review.h.decisions": ("Décisions", "Decisions", "Entscheidungen"),
    "review.h.changes": (
        "Modifications des textes",
        "Changes to the texts",
        "Änderungen an den Texten",
    ),
    "review.h.cadence": ("Cadence des points", "Update cadence", "Takt der Lagemeldungen"),
    "review.h.timeline": ("Chronologie détaillée", "Detailed timeline", "Ausführlicher Ablauf"),
    "review.h.chart": ("Frise", "Timeline chart", "Zeitleiste"),
    "review.h.texts": (
        "Messages publiés, par phase",
        "Published statements, by phase",
        "Veröffentlichte Meldungen, je Phase",
    ),
    "review.h.people": ("Personnes", "People", "Personen"),
    "review.col.phase": ("Phase", "Phase", "Phase"),
    "review.col.outcome": ("Issue", "Outcome", "Ergebnis"),
    "review.col.approved": ("Approuvé", "Approved", "Freigegeben"),
    "review.col.approver": ("Par", "By", "Von"),
    "review.col.wait": ("Attente", "Wait", "Wartezeit"),
    "review.col.deadline": ("Échéance", "Deadline", "Frist"),
    "review.col.channels": ("Canal", "Channel", "Kanal"),
    "review.col.texts": ("Textes publiés", "Texts published", "Veröffentlichte Texte"),
    "review.col.at": ("Quand", "When", "Wann"),
    "review.col.event": ("Événement", "Event", "Ereignis"),
    "review.col.statement": ("Message", "Statement", "Meldung"),
    "review.col.who": ("Qui", "Who", "Wer"),
    "review.col.action": ("Décision", "Decision", "Entscheidung"),
    "review.col.waited": ("Attente", "Waited", "Wartezeit"),
    "review.col.comment": ("Commentaire", "Comment", "Kommentar"),
    "review.col.made_in": ("Annoncé dans", "Announced in", "Angekündigt in"),
    "review.col.announced": ("Heure annoncée", "Announced time", "Angekündigte Zeit"),
    "review.col.next": ("Message suivant", "Next statement", "Nächste Meldung"),
    "review.col.published": ("Publié", "Published", "Veröffentlicht"),
    "review.col.delay": ("Écart", "Delay", "Abweichung"),
    "review.col.status": ("Tenue ?", "Kept?", "Eingehalten?"),
    "review.col.figure": ("Indicateur", "Figure", "Kennzahl"),
    "review.col.value": ("Valeur", "Value", "Wert"),
    "review.col.roles": ("Rôles", "Roles", "Rollen"),
    "review.col.to_do": ("Action", "Action", "Maßnahme"),
    "review.col.owner": ("Responsable", "Owner", "Verantwortlich"),
    "review.col.due": ("Échéance", "Due", "Fällig"),
    "review.col.done": ("État", "Status", "Stand"),
    # Outcomes, deadlines, cadence.
    "review.outcome.published": ("publié", "published", "veröffentlicht"),
    "review.outcome.rejected": ("rejeté", "rejected", "abgelehnt"),
    "review.outcome.open": ("en cours", "open", "offen"),
    "review.outcome.cancelled": ("abandonné", "abandoned", "aufgegeben"),
    "review.outcome.internal": (
        "interne",
        "internal",
        "intern",
    ),
    "review.deadline.met": ("tenue", "met", "eingehalten"),
    "review.deadline.missed": ("manquée", "missed", "verpasst"),
    "review.deadline.open": ("à venir", "ahead", "offen"),
    "review.deadline.void": ("sans objet", "void", "entfällt"),
    "review.deadline.none": ("-", "-", "-"),
    "review.cadence.kept": ("tenue", "kept", "eingehalten"),
    "review.cadence.late": ("en retard", "late", "verspätet"),
    "review.cadence.missed": ("manquée", "missed", "verpasst"),
    "review.cadence.pending": ("à venir", "pending", "offen"),
    # Figures.
    "review.fig.to_first_approval": (
        "Délai jusqu’au premier message approuvé",
        "Time to the first approved statement",
        "Zeit bis zur ersten Freigabe",
    ),
    "review.fig.to_first_publication": (
        "Délai jusqu’à la première publication",
        "Time to the first publication",
        "Zeit bis zur ersten Veröffentlichung",
    ),
    "review.fig.duration": ("Durée de la crise", "Duration of the crisis", "Dauer der Krise"),
    "review.fig.statements": (
        "Messages publiés (phases)",
        "Statements published (phases)",
        "Veröffentlichte Meldungen (Phasen)",
    ),
    "review.fig.texts": (
        "Textes publiés (canal × langue)",
        "Texts published (channel × language)",
        "Veröffentlichte Texte (Kanal × Sprache)",
    ),
    "review.fig.revisions": ("Révisions", "Revisions", "Fassungen"),
    "review.fig.change_requests": (
        "Demandes de modification",
        "Change requests",
        "Änderungswünsche",
    ),
    "review.fig.rejections": ("Rejets", "Rejections", "Ablehnungen"),
    "review.fig.escalations": ("Escalades", "Escalations", "Eskalationen"),
    "review.fig.reminders": ("Rappels", "Reminders", "Erinnerungen"),
    "review.fig.overrides": (
        "Dérogations aux garde-fous",
        "Guardrail overrides",
        "Ausnahmen von den Leitplanken",
    ),
    "review.fig.refusals": (
        "Demandes refusées par le workflow",
        "Requests refused by the workflow",
        "Vom Workflow abgewiesene Anfragen",
    ),
    "review.fig.facts": ("Faits ajoutés", "Facts added", "Ergänzte Tatsachen"),
    "review.fig.deadlines": (
        "Échéances tenues / manquées / à venir",
        "Deadlines met / missed / ahead",
        "Fristen eingehalten / verpasst / offen",
    ),
    "review.fig.approval_wait": (
        "Attente d’approbation (total)",
        "Waiting for approval (total)",
        "Wartezeit auf Freigabe (gesamt)",
    ),
    "review.fig.longest_wait": (
        "Plus longue attente d’approbation",
        "Longest wait for approval",
        "Längste Wartezeit auf Freigabe",
    ),
    "review.fig.cadence": ("Cadence promise", "Cadence promised", "Zugesagter Takt"),
    "review.fig.cadence_kept": (
        "Heures annoncées tenues / en retard / manquées",
        "Announced times kept / late / missed",
        "Angekündigte Zeiten eingehalten / verspätet / verpasst",
    ),
    "review.fig.silence": (
        "Plus long silence entre deux messages",
        "Longest silence between statements",
        "Längste Stille zwischen zwei Meldungen",
    ),
    # The timeline.
    "review.kind.detected": ("détection", "detected", "Erkennung"),
    "review.kind.phase_started": ("début de phase", "phase started", "Phasenbeginn"),
    "review.kind.drafted": ("rédaction", "drafted", "Entwurf"),
    "review.kind.approval_requested": (
        "approbation demandée",
        "approval requested",
        "Freigabe angefragt",
    ),
    "review.kind.reminder": ("rappel", "reminder", "Erinnerung"),
    "review.kind.escalated": ("escalade", "escalation", "Eskalation"),
    "review.kind.deadline_missed": ("échéance dépassée", "deadline missed", "Frist verpasst"),
    "review.kind.approved": ("approuvé", "approved", "freigegeben"),
    "review.kind.changes_requested": (
        "modifications demandées",
        "changes requested",
        "Änderungen erbeten",
    ),
    "review.kind.rejected": ("rejeté", "rejected", "abgelehnt"),
    "review.kind.overridden": ("dérogation", "override", "Ausnahme"),
    "review.kind.refused": (
        "refusé par le workflow",
        "refused by the workflow",
        "vom Workflow abgewiesen",
    ),
    "review.kind.revised": ("nouvelle révision", "revised", "neue Fassung"),
    "review.kind.published": ("publié", "published", "veröffentlicht"),
    "review.kind.fact_added": ("fait ajouté", "fact added", "Tatsache ergänzt"),
    "review.kind.resolved": ("résolution", "resolved", "für beendet erklärt"),
    "review.kind.cancelled": ("annulation", "cancelled", "abgebrochen"),
    "review.kind.retracted": ("rétractation", "retraction", "Widerruf"),
    "review.kind.informed": ("information de l’équipe", "team informed", "Team informiert"),
    "review.kind.failed": ("échec", "failure", "Fehler"),
    "review.kind.continued_as_new": ("nouvelle exécution", "continued as new", "neue Ausführung"),
    "review.kind.closed": ("clôture", "closed", "Abschluss"),
    "review.kind.reviewed": (
        "retour d’expérience enregistré",
        "review stored",
        "Nachbetrachtung gespeichert",
    ),
    "review.chart.waiting": ("attente d’approbation", "awaiting approval", "wartet auf Freigabe"),
    "review.chart.waited": (
        "attente d’approbation : {wait}",
        "awaiting approval: {wait}",
        "Wartezeit auf Freigabe: {wait}",
    ),
    "review.chart.revision": (
        "attente de révision",
        "awaiting a revision",
        "wartet auf Überarbeitung",
    ),
    "review.chart.crisis": ("Crise", "Crisis", "Krise"),
    "review.chart.start": ("Détection {time}", "Detected {time}", "Erkannt {time}"),
    "review.chart.end_closed": ("Clôture {time}", "Closed {time}", "Abschluss {time}"),
    "review.chart.end_cancelled": ("Annulation {time}", "Cancelled {time}", "Abbruch {time}"),
    "review.chart.end_failed": ("Arrêt {time}", "Stopped {time}", "Gestoppt {time}"),
    "review.chart.end_running": ("État à {time}", "As of {time}", "Stand {time}"),
    "review.chart.deadline": ("Échéance {at}", "Deadline {at}", "Frist {at}"),
    "review.chart.published": ("Publié {at}", "Published {at}", "Veröffentlicht {at}"),
    # Labels in place of codes.
    "review.phase.detect": ("Détection", "Detection", "Erkennung"),
    "review.phase.acknowledge": ("Premier message", "First statement", "Erste Meldung"),
    "review.phase.explain": ("Explications", "Explanation", "Erklärung"),
    "review.phase.solutions": ("Solutions", "Solutions", "Lösungen"),
    "review.phase.follow_up": (
        "Point de situation n° {n}",
        "Update no. {n}",
        "Lagemeldung Nr. {n}",
    ),
    "review.phase.follow_up_short": ("Point n° {n}", "Update {n}", "Lage Nr. {n}"),
    "review.phase.close": ("Fin de crise", "End of the crisis", "Ende der Krise"),
    "review.role.communicator": ("communication", "communications", "Kommunikation"),
    "review.role.director": ("direction", "director", "Leitung"),
    "review.role.deputy_director": (
        "direction adjointe",
        "deputy director",
        "stellvertretende Leitung",
    ),
    "review.role.legal_adviser": ("conseil juridique", "legal adviser", "Rechtsberatung"),
    "review.channel.x": ("X", "X", "X"),
    "review.channel.mastodon": ("Mastodon", "Mastodon", "Mastodon"),
    "review.channel.bluesky": ("Bluesky", "Bluesky", "Bluesky"),
    "review.channel.facebook": ("Facebook", "Facebook", "Facebook"),
    "review.channel.instagram": ("Instagram", "Instagram", "Instagram"),
    "review.channel.linkedin": ("LinkedIn", "LinkedIn", "LinkedIn"),
    "review.channel.website": ("Site internet", "Website", "Website"),
    "review.channel.press_release": ("Communiqué de presse", "Press release", "Pressemitteilung"),
    "review.channel.sms": ("SMS", "SMS", "SMS"),
    "review.channel.cell_broadcast": ("Diffusion cellulaire", "Cell broadcast", "Cell Broadcast"),
    "review.channel.hotline": ("Ligne d’information", "Hotline", "Infotelefon"),
    "review.channel.poster": ("Affiche", "Poster", "Aushang"),
    "review.channel.radio": ("Radio", "Radio", "Radio"),
    "review.action.approve": ("approbation", "approval", "Freigabe"),
    "review.action.approve_with_edits": (
        "approbation avec corrections",
        "approval with edits",
        "Freigabe mit Änderungen",
    ),
    "review.action.request_changes": (
        "demande de modifications",
        "change request",
        "Änderungswunsch",
    ),
    "review.action.reject": ("rejet", "rejection", "Ablehnung"),
    "review.via.cli": ("ligne de commande", "command line", "Kommandozeile"),
    "review.via.slack": ("Slack", "Slack", "Slack"),
    "review.via.api": ("programme", "program", "Programm"),
    "review.update.decide": ("décision", "decision", "Entscheidung"),
    "review.update.revise": ("révision", "revision", "Überarbeitung"),
    "review.update.add_fact": ("ajout d’un fait", "adding a fact", "Tatsache ergänzen"),
    "review.update.resolve": ("fin de crise", "resolving", "Krise beenden"),
    "review.update.cancel": ("annulation", "cancelling", "Abbruch"),
    "review.rule.R-A11Y": ("accessibilité", "accessibility", "Barrierefreiheit"),
    "review.rule.R-CADENCE": ("heure du prochain point", "next update time", "nächste Lagemeldung"),
    "review.rule.R-DRILL": ("mention d’exercice", "exercise label", "Übungskennzeichnung"),
    "review.rule.R-ELECTION": ("période électorale", "electoral period", "Wahlzeitraum"),
    "review.rule.R-IMAGE": ("droit à l’image", "image rights", "Recht am eigenen Bild"),
    "review.rule.R-LIMIT": ("longueur du canal", "channel length", "Kanallänge"),
    "review.rule.R-NEUTRAL": ("neutralité", "neutrality", "Neutralität"),
    "review.rule.R-PRIVACY": ("données personnelles", "personal data", "personenbezogene Daten"),
    "review.rule.R-VOICE": (
        "voix institutionnelle",
        "institutional voice",
        "institutionelle Stimme",
    ),
    # Said by the command line around the review.
    "review.stored": (
        "Retour d’expérience enregistré : {path}",
        "Review stored: {path}",
        "Nachbetrachtung gespeichert: {path}",
    ),
    "review.written": (
        "Rapport écrit : {path}",
        "Report written: {path}",
        "Bericht geschrieben: {path}",
    ),
    "review.at": (
        "Retour d’expérience prévu le {at}.",
        "Review due on {at}.",
        "Nachbetrachtung fällig am {at}.",
    ),
    "review.help.pdf": (
        "Écrire le rapport PDF (A4) dans FICHIER.",
        "Write the PDF report (A4) to FILE.",
        "Den PDF-Bericht (A4) in DATEI schreiben.",
    ),
    "review.help.notes": (
        "Joindre le retour d’expérience de l’équipe, écrit dans ce fichier YAML (ce qui a bien "
        "fonctionné, ce qui est à améliorer, les actions).",
        "Add the team's review, written in this YAML file (what went well, what to improve, "
        "the actions).",
        "Die Auswertung des Teams aus dieser YAML-Datei hinzufügen.",
    ),
    "review.help.lang": (
        "Langue du rapport : fr, en ou de (par défaut, celle de l’utilisateur).",
        "The report's language: fr, en or de (by default, the user's).",
        "Sprache des Berichts: fr, en oder de (standardmäßig die des Benutzers).",
    ),
    "review.notes_invalid": (
        "Notes de retour d’expérience inutilisables :",
        "Review notes cannot be used:",
        "Die Notizen zur Nachbetrachtung sind unbrauchbar:",
    ),
    "review.pdf_missing": (
        "L’export PDF demande WeasyPrint et Pango : pip install 'tocsin[pdf]' (et, sur Debian, "
        "apt-get install libpango-1.0-0 libpangoft2-1.0-0). {problem}",
        "PDF export needs WeasyPrint and Pango: pip install 'tocsin[pdf]' (and, on Debian, "
        "apt-get install libpango-1.0-0 libpangoft2-1.0-0). {problem}",
        "Der PDF-Export braucht WeasyPrint und Pango: pip install 'tocsin[pdf]' (und unter "
        "Debian apt-get install libpango-1.0-0 libpangoft2-1.0-0). {problem}",
    ),
}

MESSAGES: dict[str, tuple[str, str]] = {key: (fr, en) for key, (fr, en, _) in REVIEW.items()}

# German: the review's own words, and the refusals it reports (whose French and English are
# in tocsin/i18n/refusals.py).
GERMAN: dict[str, str] = {key: de for key, (_, _, de) in REVIEW.items()} | {
    "refuse.NoGate": "keine Meldung wartet auf eine Entscheidung",
    "refuse.StaleRevision": "Fassung {given} ist veraltet: aktuell ist Fassung {current}",
    "refuse.UnknownPerson": "„{person}“ steht nicht im Playbook",
    "refuse.NotAnApprover": "{person} hat nicht die erwartete Rolle ({roles})",
    "refuse.SelfApproval": (
        "{person} hat Fassung {revision} selbst verfasst: eine andere Person muss entscheiden "
        "(Vier-Augen-Prinzip)"
    ),
    "refuse.NotAwaitingRevision": "es wurde keine Änderung erbeten",
    "refuse.NotAnAuthor": "{person} darf keine Meldungen verfassen (erlaubte Rollen: {roles})",
    "refuse.NoRole": "{person} hat keine Rolle in dieser Krise",
    "refuse.Ended": "die Krise ist beendet",
    "refuse.BadEdit": "Kanal {channel} in {language} gehört nicht zu dieser Meldung",
    "refuse.AlreadyResolved": "die Krise ist bereits für beendet erklärt",
    "refuse.BlockingFindings": (
        "{count} blockierende(r) Befund(e) ({rules}): Text korrigieren oder mit schriftlicher "
        "Begründung eine Ausnahme machen (--override „Grund“)"
    ),
    "refuse.OverrideNotAllowed": (
        "{person} darf keine Ausnahme von einem blockierenden Befund machen (erlaubte Rollen: "
        "{roles})"
    ),
    "refuse.OverrideReason": "die Begründung der Ausnahme braucht mindestens {minimum} Zeichen",
    "refuse.AlreadyRetracted": "ein Widerruf ist bereits im Gang",
    "refuse.NotAnEnder": "{person} darf die Krise nicht beenden (erlaubte Rollen: {roles})",
    "refuse.AlreadyPublished": (
        "{count} Meldung(en) bereits veröffentlicht: die Öffentlichkeit erführe nie, dass es "
        "vorbei ist. Widerrufen Sie sie (tocsin retract KRISE --reason „…“): der Widerruf wird "
        "wie jede Meldung verfasst, freigegeben und veröffentlicht"
    ),
    "refuse.NothingPublished": (
        "noch nichts veröffentlicht: brechen Sie die Krise ab (tocsin cancel), statt zu widerrufen"
    ),
    "refuse.NoReason": "sagen Sie in einem Satz, warum",
    "refuse.SameRevision": (
        "diese Fassung ändert nichts an Fassung {revision}: einen Text ändern oder eine "
        "Tatsache hinzufügen und neu verfassen lassen"
    ),
}
