"""Messages of the status-site publisher and of ``tocsin up``'s site (helper « kinds »)."""

MESSAGES = {
    "publish.err.site_context": (
        "« {account} » : le site de crise a besoin du contexte public de la crise (titre,"
        " émetteur, zone) pour sa première déclaration",
        "“{account}”: the status site needs the crisis's public context (title, sender, area)"
        " for its first statement",
        "„{account}“: Die Krisenseite braucht für die erste Meldung den öffentlichen Kontext"
        " der Krise (Titel, Absender, Gebiet)",
    ),
    "publish.err.site_language": (
        "« {account} » : le site de crise publie en français, en anglais et en allemand,"
        " pas en « {language} »",
        "“{account}”: the status site publishes in French, English and German, not “{language}”",
        "„{account}“: Die Krisenseite veröffentlicht auf Französisch, Englisch und Deutsch,"
        " nicht auf „{language}“",
    ),
    "publish.err.site_input": (
        "« {account} » : le site de crise refuse cette déclaration ({problem})",
        "“{account}”: the status site refuses this statement ({problem})",
        "„{account}“: Die Krisenseite lehnt diese Meldung ab ({problem})",
    ),
    "publish.err.site_write": (
        "« {account} » : impossible d’écrire le site de crise dans {path} ({problem}),"
        " nouvel essai",
        "“{account}”: cannot write the status site in {path} ({problem}), will retry",
        "„{account}“: Die Krisenseite kann nicht in {path} geschrieben werden ({problem}),"
        " neuer Versuch",
    ),
    "up.site": (
        "Site de crise « {account} » : {url} (dossier {path})",
        "Status site “{account}”: {url} (folder {path})",
        "Krisenseite „{account}“: {url} (Ordner {path})",
    ),
    "up.err.site_port": (
        "TOCSIN_SITE_PORT doit être un numéro de port entre 0 et 65535, pas « {value} »",
        "TOCSIN_SITE_PORT must be a port number from 0 to 65535, not “{value}”",
        "TOCSIN_SITE_PORT muss eine Portnummer von 0 bis 65535 sein, nicht „{value}“",
    ),
}
