"""Messages of the bounds work (issue 24, points 1, 2, 5, 7): crisis ids and keys, caps,
personal data at entry. Carried into the catalogues by ``python -m tocsin.i18n.convert``."""

MESSAGES = {
    "refuse.BadCrisisId": (
        "« {crisis} » n’est pas un identifiant de crise (crisis-<scénario>-<clé>, en lettres "
        "minuscules sans accent, chiffres et tirets) : crise refusée",
        "'{crisis}' is not a crisis id (crisis-<playbook>-<key>, in lower-case ASCII letters, "
        "digits and dashes): crisis refused",
        "„{crisis}“ ist keine Krisenkennung (crisis-<Szenario>-<Schlüssel>, in Kleinbuchstaben "
        "ohne Akzent, Ziffern und Bindestrichen): Krise abgelehnt",
    ),
    "refuse.CrisisIdMismatch": (
        "la crise « {crisis} » ne peut pas tourner sous l’identifiant « {id} » : son scénario "
        "et sa clé donnent un autre identifiant ; crise refusée",
        "crisis '{crisis}' may not run under the id '{id}': its playbook and key give another "
        "id; crisis refused",
        "Die Krise „{crisis}“ darf nicht unter der Kennung „{id}“ laufen: Szenario und "
        "Schlüssel ergeben eine andere Kennung; Krise abgelehnt",
    ),
    "crisis_key.KeyEmpty": (
        "la clé « {key} » ne contient ni lettre ni chiffre : choisissez une clé comme "
        "« 2026-03-14 » ou « secteur-nord »",
        "the key '{key}' holds no letter or digit: choose a key such as '2026-03-14' or "
        "'north-sector'",
        "Der Schlüssel „{key}“ enthält weder Buchstaben noch Ziffern: Wählen Sie einen "
        "Schlüssel wie „2026-03-14“ oder „sektor-nord“",
    ),
    "crisis_key.KeyTooLong": (
        "la clé « {key} » est trop longue ({maximum} caractères au plus)",
        "the key '{key}' is too long ({maximum} characters at most)",
        "Der Schlüssel „{key}“ ist zu lang (höchstens {maximum} Zeichen)",
    ),
    "crisis_key.KeyControl": (
        "la clé « {key} » contient un caractère invisible ou de contrôle",
        "the key '{key}' holds an invisible or control character",
        "Der Schlüssel „{key}“ enthält ein unsichtbares oder ein Steuerzeichen",
    ),
    "crisis_key.KeyCollision": (
        "la clé « {key} » donne le même identifiant que la crise en cours de clé « {theirs} » : "
        "reprenez « {theirs} » pour cette crise, ou choisissez une autre clé pour une autre",
        "the key '{key}' gives the same id as the running crisis of key '{theirs}': use "
        "'{theirs}' for that crisis, or another key for another one",
        "Der Schlüssel „{key}“ ergibt dieselbe Kennung wie die laufende Krise mit dem Schlüssel "
        "„{theirs}“: Verwenden Sie „{theirs}“ für diese Krise oder einen anderen Schlüssel für "
        "eine andere",
    ),
    "refuse.TooLong": (
        "{field} : trop long ({maximum} caractères au plus)",
        "{field}: too long ({maximum} characters at most)",
        "{field}: zu lang (höchstens {maximum} Zeichen)",
    ),
    "refuse.TooManyFacts": (
        "la crise a déjà {maximum} faits, le plus qu’elle en garde : regroupez-les dans une "
        "déclaration",
        "the crisis already has {maximum} facts, the most it keeps: gather them in a statement",
        "Die Krise hat bereits {maximum} Fakten, mehr behält sie nicht: Fassen Sie sie in einer "
        "Erklärung zusammen",
    ),
    "refuse.FactsTooLarge": (
        "les faits de la crise dépasseraient {maximum} Ko ensemble : raccourcissez ce fait",
        "the crisis's facts would exceed {maximum} KB together: shorten this fact",
        "Die Fakten der Krise würden zusammen {maximum} KB überschreiten: Kürzen Sie diesen Fakt",
    ),
    "refuse.DuplicateEdit": (
        "le texte {channel}:{language} est modifié deux fois : une modification par texte",
        "the text {channel}:{language} is edited twice: one edit a text",
        "Der Text {channel}:{language} wird zweimal geändert: eine Änderung je Text",
    ),
    "refuse.EditsTooLarge": (
        "les textes modifiés dépassent {maximum} caractères ensemble",
        "the edited texts exceed {maximum} characters together",
        "Die geänderten Texte überschreiten zusammen {maximum} Zeichen",
    ),
    "refuse.TooManyRevisions": (
        "cette déclaration a déjà {maximum} révisions : approuvez-la ou rejetez-la",
        "this statement already has {maximum} revisions: approve or reject it",
        "Diese Erklärung hat bereits {maximum} Überarbeitungen: Genehmigen oder verwerfen Sie sie",
    ),
    "refuse.InputTooLarge": (
        "la crise dépasse ce qu’une crise peut porter ({what}, {maximum} au plus) : crise refusée",
        "the crisis holds more than a crisis may ({what}, {maximum} at most): crisis refused",
        "Die Krise enthält mehr, als eine Krise tragen darf ({what}, höchstens {maximum}): "
        "Krise abgelehnt",
    ),
    "refuse.PersonalData": (
        "{count} donnée(s) personnelle(s) trouvée(s) par R-PRIVACY ({found}) : retirez-les ; "
        "une personne d’un rôle de dérogation peut les garder en disant pourquoi "
        "(--override « raison »)",
        "{count} piece(s) of personal data found by R-PRIVACY ({found}): remove them; a person "
        'of an override role may keep them by saying why (--override "reason")',
        "{count} personenbezogene Angabe(n) von R-PRIVACY gefunden ({found}): Entfernen Sie "
        "sie; eine Person mit Ausnahmerolle darf sie mit Begründung behalten "
        "(--override „Grund“)",
    ),
    "help.fact_override": (
        "garder un fait où R-PRIVACY trouve des données personnelles, en disant pourquoi "
        "(rôles de dérogation du scénario)",
        "keep a fact R-PRIVACY finds personal data in, saying why (the playbook's override roles)",
        "einen Fakt behalten, in dem R-PRIVACY personenbezogene Daten findet, mit Begründung "
        "(Ausnahmerollen des Szenarios)",
    ),
}
