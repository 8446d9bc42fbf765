"""The review's words for what the public saw, where and when (issue 25)."""

__all__ = ["MESSAGES"]  # read by tocsin.i18n.convert

MESSAGES = {
    "review.published_meta": (
        "Révision {revision}, approuvée par {who}, écrite dans la boîte de sortie {at} : "
        "{n} texte(s).",
        "Revision {revision}, approved by {who}, written to the outbox {at}: {n} text(s).",
        "Fassung {revision}, freigegeben von {who}, in den Postausgang geschrieben {at}: "
        "{n} Text(e).",
    ),
    "review.h.public": (
        "Ce que le public a vu, où et quand",
        "What the public saw, where and when",
        "Was die Öffentlichkeit wann und wo sah",
    ),
    "review.reach.intro": (
        "Pour chaque message approuvé, canal par canal et compte par compte : quand le public "
        "a pu le voir (l’accusé de réception de la plateforme, ou l’heure où une personne a "
        "dit l’avoir publié à la main), combien de temps après l’approbation, et où.",
        "For each approved statement, channel by channel and account by account: when the "
        "public could see it (the time the platform confirmed it, or the time a person said they "
        "published it by hand), how long after the approval, and where.",
        "Für jede freigegebene Mitteilung, Kanal für Kanal und Konto für Konto: wann die "
        "Öffentlichkeit sie sehen konnte (die Bestätigung der Plattform oder die Zeit, zu der "
        "eine Person die Veröffentlichung von Hand meldete), wie lange nach der Freigabe und wo.",
    ),
    "review.reach.none": (
        "Rien n’a été publié au-delà de la boîte de sortie : ni compte de publication, ni "
        "tâche manuelle. Le moment où le public a vu les messages n’est pas connu.",
        "Nothing was published beyond the outbox: no publishing account, no manual task. "
        "When the public saw the statements is not known.",
        "Nichts wurde über den Postausgang hinaus veröffentlicht: kein Veröffentlichungskonto, "
        "keine manuelle Aufgabe. Wann die Öffentlichkeit die Mitteilungen sah, ist nicht bekannt.",
    ),
    "review.reach.col.channel": ("Canal", "Channel", "Kanal"),
    "review.reach.col.account": ("Compte", "Account", "Konto"),
    "review.reach.col.reached": ("Vu par le public", "Seen by the public", "Öffentlich ab"),
    "review.reach.col.delay": ("Après l’approbation", "After approval", "Nach Freigabe"),
    "review.reach.col.where": ("Où", "Where", "Wo"),
    "review.reach.col.by": ("À la main par", "By hand by", "Von Hand durch"),
    "review.reach.col.status": ("État", "Status", "Status"),
    "review.reach.col.after": ("Corrections", "Corrections", "Korrekturen"),
    "review.reach.status.published": (
        "publié par le compte",
        "posted by the account",
        "vom Konto veröffentlicht",
    ),
    "review.reach.status.late": (
        "publié par le compte, en retard",
        "posted by the account, late",
        "vom Konto veröffentlicht, verspätet",
    ),
    "review.reach.status.by_hand": (
        "publié à la main",
        "published by hand",
        "von Hand veröffentlicht",
    ),
    "review.reach.status.failed_by_hand": (
        "refusé par le compte, publié à la main",
        "refused by the account, published by hand",
        "vom Konto abgelehnt, von Hand veröffentlicht",
    ),
    "review.reach.status.delayed_by_hand": (
        "compte en retard, publié à la main",
        "account late, published by hand",
        "Konto verspätet, von Hand veröffentlicht",
    ),
    "review.reach.status.failed": (
        "refusé, non publié",
        "refused, not published",
        "abgelehnt, nicht veröffentlicht",
    ),
    "review.reach.status.delayed": (
        "compte en retard, tâche ouverte",
        "account late, task open",
        "Konto verspätet, Aufgabe offen",
    ),
    "review.reach.status.pending": ("en cours", "under way", "läuft"),
    "review.reach.status.open": (
        "non publié : tâche encore ouverte",
        "not published: task still open",
        "nicht veröffentlicht: Aufgabe noch offen",
    ),
    "review.reach.status.superseded": (
        "remplacé avant publication",
        "superseded before publication",
        "vor der Veröffentlichung ersetzt",
    ),
    "review.reach.status.outbox": (
        "boîte de sortie seulement",
        "outbox only",
        "nur im Postausgang",
    ),
    "review.reach.approved": (
        "Approuvé {at} par {who}.",
        "Approved {at} by {who}.",
        "Freigegeben {at} von {who}.",
    ),
    "review.reach.manual": ("à la main", "by hand", "von Hand"),
    "review.reach.outbox": ("boîte de sortie", "outbox", "Postausgang"),
    "review.reach.kind.mastodon": ("Mastodon", "Mastodon", "Mastodon"),
    "review.reach.kind.bluesky": ("Bluesky", "Bluesky", "Bluesky"),
    "review.reach.kind.email": ("e-mail", "e-mail", "E-Mail"),
    "review.reach.kind.webhook": ("webhook", "webhook", "Webhook"),
    "review.reach.kind.status_site": ("site de crise", "status site", "Statusseite"),
    "review.reach.kind.account": ("compte", "account", "Konto"),
    "review.reach.account_too": (
        "puis le compte, à {at} :",
        "then the account, at {at}:",
        "dann das Konto, um {at}:",
    ),
    "review.reach.written": (
        "texte écrit à {at}",
        "text written at {at}",
        "Text geschrieben um {at}",
    ),
    "review.reach.left_out": (
        "exercice : rien publié sur {accounts}",
        "drill: nothing posted to {accounts}",
        "Übung: nichts veröffentlicht auf {accounts}",
    ),
    "review.reach.task": ("tâche {task}", "task {task}", "Aufgabe {task}"),
    "review.reach.correct.done": (
        "Corrigé à {at} (révision {revision}), {delay} après son approbation",
        "Corrected at {at} (revision {revision}), {delay} after its approval",
        "Korrigiert um {at} (Revision {revision}), {delay} nach der Freigabe",
    ),
    "review.reach.correct.failed": (
        "Correction (révision {revision}) refusée à {at}",
        "Correction (revision {revision}) refused at {at}",
        "Korrektur (Revision {revision}) abgelehnt um {at}",
    ),
    "review.reach.correct.pending": (
        "Correction (révision {revision}) en cours depuis {at}",
        "Correction (revision {revision}) under way since {at}",
        "Korrektur (Revision {revision}) läuft seit {at}",
    ),
    "review.reach.correct.open": (
        "Correction (révision {revision}) à faire à la main depuis {at}",
        "Correction (revision {revision}) to do by hand since {at}",
        "Korrektur (Revision {revision}) von Hand zu tun seit {at}",
    ),
    "review.reach.correct.superseded": (
        "Correction (révision {revision}) remplacée avant publication, {at}",
        "Correction (revision {revision}) superseded before publication, {at}",
        "Korrektur (Revision {revision}) vor der Veröffentlichung ersetzt, {at}",
    ),
    "review.reach.retract.superseded": (
        "Retrait (révision {revision}) remplacé, {at}",
        "Withdrawal (revision {revision}) superseded, {at}",
        "Rückzug (Revision {revision}) ersetzt, {at}",
    ),
    "review.reach.retract.done": (
        "Retiré à {at} (révision {revision}), {delay} après son approbation",
        "Withdrawn at {at} (revision {revision}), {delay} after its approval",
        "Zurückgezogen um {at} (Revision {revision}), {delay} nach der Freigabe",
    ),
    "review.reach.retract.failed": (
        "Retrait (révision {revision}) refusé à {at}",
        "Withdrawal (revision {revision}) refused at {at}",
        "Rückzug (Revision {revision}) abgelehnt um {at}",
    ),
    "review.reach.retract.pending": (
        "Retrait (révision {revision}) en cours depuis {at}",
        "Withdrawal (revision {revision}) under way since {at}",
        "Rückzug (Revision {revision}) läuft seit {at}",
    ),
    "review.reach.retract.open": (
        "Retrait (révision {revision}) à faire à la main depuis {at}",
        "Withdrawal (revision {revision}) to do by hand since {at}",
        "Rückzug (Revision {revision}) von Hand zu tun seit {at}",
    ),
    "review.reach.sum.auto.one": (
        "le public a été informé sur {n} canal sur {total} en moins de {bound} après l’approbation",
        "the public was informed on {n} channel of {total} within {bound} of the approval",
        "die Öffentlichkeit wurde auf {n} von {total} Kanälen binnen {bound} nach der "
        "Freigabe informiert",
    ),
    "review.reach.sum.auto.other": (
        "le public a été informé sur {n} canaux sur {total} en moins de {bound} après "
        "l’approbation",
        "the public was informed on {n} channels of {total} within {bound} of the approval",
        "die Öffentlichkeit wurde auf {n} von {total} Kanälen binnen {bound} nach der "
        "Freigabe informiert",
    ),
    "review.reach.sum.hand": (
        "{channel} {at}, à la main",
        "{channel} {at}, by hand",
        "{channel} {at}, von Hand",
    ),
    "review.reach.sum.unconfirmed": (
        "publication à la main non confirmée : {channels}",
        "publication by hand not confirmed: {channels}",
        "Veröffentlichung von Hand nicht bestätigt: {channels}",
    ),
    "review.reach.sum.missing": (
        "pas publié sur {channels}",
        "not published on {channels}",
        "nicht veröffentlicht auf {channels}",
    ),
    "review.kind.posted": (
        "mis en ligne par le compte",
        "posted by the account",
        "vom Konto veröffentlicht",
    ),
    "review.kind.post_corrected": (
        "correction mise en ligne",
        "correction posted",
        "Korrektur veröffentlicht",
    ),
    "review.kind.post_withdrawn": (
        "retiré de la plateforme",
        "withdrawn from the platform",
        "von der Plattform zurückgezogen",
    ),
    "review.kind.post_failed": (
        "publication refusée",
        "post refused",
        "Veröffentlichung abgelehnt",
    ),
    "review.kind.task_done": ("publié à la main", "published by hand", "von Hand veröffentlicht"),
}
