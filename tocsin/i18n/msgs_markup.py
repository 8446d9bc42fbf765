"""Messages of the markup work: web address parameters, the redacted review."""

MESSAGES = {
    "param.url.scheme": (
        "adresse web attendue, commençant par https:// ou http://, pas « {value} »",
        "a web address starting with https:// or http:// expected, not “{value}”",
        "Webadresse mit https:// oder http:// am Anfang erwartet, nicht „{value}“",
    ),
    "param.url.spaces": (
        "une adresse web ne contient ni espace ni caractère de contrôle : « {value} »",
        "a web address holds no space and no control character: “{value}”",
        "eine Webadresse enthält weder Leerzeichen noch Steuerzeichen: „{value}“",
    ),
    "param.url.character": (
        "caractère interdit dans une adresse web ({chars}) : « {value} »",
        "character not allowed in a web address ({chars}): “{value}”",
        "in einer Webadresse nicht erlaubtes Zeichen ({chars}): „{value}“",
    ),
    "param.url.credentials": (
        "pas d’identifiant ni de mot de passe dans une adresse web publiée",
        "no user name or password in a published web address",
        "kein Benutzername und kein Passwort in einer veröffentlichten Webadresse",
    ),
    "param.url.host": (
        "adresse web sans nom de site valable (https://www.exemple.fr/page) : « {value} »",
        "web address without a valid site name (https://www.example.org/page): “{value}”",
        "Webadresse ohne gültigen Servernamen (https://www.beispiel.de/seite): „{value}“",
    ),
    "review.help.redact": (
        "Pour publication (demande CADA) : les personnes du playbook par leur rôle, les"
        " données personnelles et les textes libres qui en contiennent occultés ; les textes"
        " publiés intacts.",
        "For publication (access-to-documents request): the playbook's people by their role,"
        " personal data and the free texts holding some redacted; the published texts whole.",
        "Zur Veröffentlichung (Antrag auf Informationszugang): die Personen des Playbooks mit"
        " ihrer Rolle, personenbezogene Daten und freie Texte, die solche enthalten,"
        " geschwärzt; die veröffentlichten Texte vollständig.",
    ),
}
