"""The ``tocsin`` command as people run it: real processes, a real ``tocsin up``, their output.

Errors a person makes must end in one clear line and exit code 1, never a traceback.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tests.helpers import PLAYBOOK, sample_params
from tests.processes import tocsin, tocsin_env, tocsin_up
from tocsin.cli import cli
from tocsin.config import BUNDLED_PLAYBOOKS
from tocsin.i18n import text_in
from tocsin.review import Review, build_review, load_chain
from tocsin.review.model import Kind
from tocsin.review.report import markdown
from tocsin.temporal import free_port, port_is_free


@pytest.fixture
def offline(tmp_path: Path) -> dict[str, str]:
    """No server anywhere: a port nobody listens on."""
    return tocsin_env(tmp_path, TOCSIN_EMBEDDED_PORT=str(free_port()))


# --------------------------------------------------------------------------- help


def all_commands() -> list[list[str]]:
    paths: list[list[str]] = [[]]
    for name, command in cli.commands.items():
        paths.append([name])
        if isinstance(command, click.Group):
            paths.extend([name, sub] for sub in command.commands)
    return paths


@pytest.mark.parametrize("path", all_commands(), ids=lambda p: " ".join(p) or "tocsin")
def test_every_command_has_help(path: list[str]) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, [*path, "--help"], env={"TOCSIN_LANG": "fr"})
    assert result.exit_code == 0, result.output
    assert "Utilisation :" in result.output
    assert "Usage:" not in result.output
    assert len(result.output.splitlines()) > 3


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ["Utilisation :", "Affiche cette aide et s’arrête.", "Erreur : Argument manquant"]),
        ("en", ["Usage:", "Show this message and exit.", "Error: Missing argument"]),
        ("de", ["Aufruf:", "Diese Hilfe anzeigen und beenden.", "Fehler: Argument fehlt"]),
    ],
)
def test_click_s_own_words_are_in_the_person_s_language(
    offline: dict[str, str], lang: str, words: list[str]
) -> None:
    """Click's strings ("Usage:", "Missing argument") come from tocsin's catalogues, in the
    language of the run (a process speaks one: Click keeps its help option once made)."""
    env = {**offline, "TOCSIN_LANG": lang}
    helped = tocsin(env, "trigger", "--help")
    missing = tocsin(env, "trigger")
    assert missing.code == 2
    for word in words:
        assert word in helped.out + missing.err, (lang, word)


def test_help_in_english_and_french(offline: dict[str, str]) -> None:
    fr = tocsin({**offline, "TOCSIN_LANG": "fr"}, "trigger", "--help").out
    en = tocsin({**offline, "TOCSIN_LANG": "en"}, "trigger", "--help").out
    assert "Déclenche un playbook" in fr
    assert "Trigger" in en
    assert "Déclenche" not in en


# --------------------------------------------------------------------------- playbooks


def test_playbooks_list_show_and_lint(offline: dict[str, str]) -> None:
    listed = tocsin(offline, "playbooks", "list")
    assert listed.code == 0
    assert "eau-non-potable\tEau non potable\tfr" in listed.out
    shown = tocsin(offline, "playbooks", "show", PLAYBOOK, "--json")
    assert shown.code == 0
    data = json.loads(shown.out)
    assert data["roles"]["director"] == ["dominique"]
    assert tocsin(offline, "playbooks", "show", PLAYBOOK).out.startswith("# ")
    linted = tocsin(offline, "playbooks", "lint")
    assert linted.code == 0, linted.text
    assert "valides" in linted.out


def broken_folder(root: Path) -> tuple[Path, int, int]:
    """A folder with two broken playbooks; returns it and the lines of the two mistakes."""
    folder = root / "playbooks"
    folder.mkdir()
    source = (BUNDLED_PLAYBOOKS / f"{PLAYBOOK}.yml").read_text(encoding="utf-8")
    text = source.replace("channels: [x, facebook,", "channels: [x, fax, facebook,", 1).replace(
        "cadence: 2h", "cadence: 0m"
    )
    lines = text.splitlines()
    fax = next(i for i, line in enumerate(lines, 1) if "fax" in line)
    cadence = next(i for i, line in enumerate(lines, 1) if "cadence: 0m" in line)
    (folder / "mauvais.yml").write_text(text.replace("id: eau-non-potable", "id: mauvais"))
    (folder / "casse.yml").write_text("id: casse\ntitle: Casse\nchannels: [x, sms\n")
    return folder, fax, cadence


def test_lint_reports_file_line_and_problem(tmp_path: Path, offline: dict[str, str]) -> None:
    folder, fax, cadence = broken_folder(tmp_path)
    result = tocsin(offline, "playbooks", "lint", str(folder))
    assert result.code == 1
    assert f"mauvais.yml:{fax}:" in result.err
    assert "« fax »" in result.err
    assert f"mauvais.yml:{cadence}:" in result.err
    assert "cadence" in result.err
    assert "casse.yml:" in result.err
    assert "YAML invalide" in result.err
    assert "Erreur : 3 problème(s) dans 2 fichier(s)." in result.err


def test_trigger_refuses_a_broken_playbook_with_its_line(
    tmp_path: Path, offline: dict[str, str]
) -> None:
    folder, fax, _ = broken_folder(tmp_path)
    env = {**offline, "TOCSIN_PLAYBOOKS": str(folder)}
    result = tocsin(env, "trigger", "mauvais", "--as", "camille", *sample_params())
    assert result.code == 1
    assert "Playbook invalide" in result.err
    assert f"mauvais.yml:{fax}:" in result.err
    broken = tocsin(env, "trigger", "casse", "--as", "camille")
    assert broken.code == 1
    assert "casse.yml:3:" in broken.err


REVUE = sorted((Path(__file__).parent / "histories" / "revue").glob("run-*.json"))
GOOD_NOTES = """\
went_well: [Premier message publié 30 minutes après l’alerte.]
actions:
  - action: Installer Slack sur les téléphones d’astreinte.
    owner: sacha
    due: 2026-12-31
"""


def test_review_from_history_files(offline: dict[str, str], tmp_path: Path) -> None:
    """An auditor's copy of the history (``temporal workflow show --output json``), no server."""
    files = [str(p) for p in reversed(REVUE)]
    plain = tocsin(offline, "review", *[a for f in files for a in ("--history", f)])
    assert plain.code == 0, plain.text
    assert "Révisions 7 · demandes de modification 1 · refus 1 · escalades 2" in plain.out
    md = tocsin(offline, "review", "--md", "-", *[a for f in files for a in ("--history", f)])
    assert md.code == 0, md.text
    # The Markdown alone on standard output, as the review builds it from the same files.
    assert md.out.strip() == markdown(build_review(load_chain(REVUE))).strip()
    english = tocsin(
        {**offline, "TOCSIN_LANG": "en"}, "review", *[a for f in files for a in ("--history", f)]
    )
    assert english.out.startswith("Review — Eau non potable")
    # The team's notes merged, the page and the PDF written, in German on request.
    notes = tmp_path / "notes.yml"
    notes.write_text(GOOD_NOTES, encoding="utf-8")
    page, printed = tmp_path / "retex.html", tmp_path / "retex.pdf"
    merged = tocsin(
        offline,
        "review",
        *[a for f in files for a in ("--history", f)],
        "--notes",
        str(notes),
        "--html",
        str(page),
        "--pdf",
        str(printed),
        "--lang",
        "de",
    )
    assert merged.code == 0, merged.text
    assert merged.out.startswith("Nachbetrachtung — Eau non potable")
    assert "Auswertung des Teams" in page.read_text(encoding="utf-8")
    assert printed.read_bytes().startswith(b"%PDF-")
    assert f"Bericht geschrieben: {printed}" not in merged.err  # the person's language: French
    assert f"Rapport écrit : {printed}" in merged.err
    wrong = tmp_path / "wrong.yml"
    wrong.write_text("went_well: [ok]\nactions:\n  - action: x\n    due: demain\n", "utf-8")
    refused = tocsin(offline, "review", "--history", files[-1], "--notes", str(wrong))
    assert refused.code == 1
    assert "Notes de retour d’expérience inutilisables" in refused.err
    assert f"{wrong}:4:" in refused.err
    assert f"{wrong}:3:" in refused.err  # the missing owner, at its action
    assert "Traceback" not in refused.err
    broken = tmp_path / "run-1.json"
    broken.write_text('{"events": [\n  {"eventId": "1",\n  oops}\n]}', encoding="utf-8")
    bad = tocsin(offline, "review", "--history", str(broken))
    assert bad.code == 1
    assert bad.err.startswith(f"Erreur : Historique illisible : {broken}:3:")
    assert "Traceback" not in bad.err
    nothing = tocsin(offline, "review")
    assert nothing.code == 1
    assert "Traceback" not in nothing.err
    unwritable = tocsin(
        offline,
        "review",
        *[a for f in files for a in ("--history", f)],
        "--html",
        str(tmp_path / "absent" / "r.html"),
    )
    assert unwritable.code == 1
    assert unwritable.err.startswith("Erreur : Impossible d’écrire")


def test_user_mistakes_on_trigger(offline: dict[str, str]) -> None:
    unknown = tocsin(offline, "trigger", "inondation-martienne", "--as", "camille")
    assert unknown.code == 1
    assert unknown.err.strip() == (
        "Erreur : Playbook inconnu « inondation-martienne ». Disponibles : "
        + ", ".join(sorted(p.stem for p in BUNDLED_PLAYBOOKS.glob("*.yml")))
        + "."
    )
    missing = tocsin(offline, "trigger", PLAYBOOK, "--as", "camille", "-p", "commune=Vire")
    assert missing.code == 1
    assert "Paramètres manquants pour eau-non-potable : emetteur, secteur, cause" in missing.err
    malformed = tocsin(offline, "trigger", PLAYBOOK, "--as", "camille", "-p", "commune")
    assert "Paramètre mal écrit « commune »" in malformed.err
    extra = tocsin(offline, "trigger", PLAYBOOK, "--as", "camille", *sample_params(), "-p", "x=1")
    assert "Paramètre inconnu « x »" in extra.err
    nobody = tocsin(offline, "trigger", PLAYBOOK, "--as", "zoe", *sample_params())
    assert "Personne inconnue « zoe »" in nobody.err
    anonymous = tocsin(offline, "trigger", PLAYBOOK, *sample_params())
    assert "--as PERSONNE" in anonymous.err
    english = tocsin({**offline, "TOCSIN_LANG": "en"}, "trigger", "nope", "--as", "camille")
    assert english.err.startswith("Error: Unknown playbook 'nope'")
    for result in (missing, malformed, extra, nobody, anonymous, english):
        assert result.code == 1
        assert result.out == ""


def test_a_bad_metrics_address_is_one_clear_line(offline: dict[str, str]) -> None:
    result = tocsin({**offline, "TOCSIN_METRICS": "partout"}, "worker")
    assert result.code == 1
    assert result.err.startswith("Erreur : TOCSIN_METRICS « partout » : attendu PORT")
    assert "Traceback" not in result.err


def test_no_server_is_one_clear_line(offline: dict[str, str]) -> None:
    result = tocsin(offline, "trigger", PLAYBOOK, "--as", "camille", *sample_params())
    assert result.code == 1
    assert result.err.startswith("Erreur : Aucun serveur Temporal joignable à 127.0.0.1:")
    assert len(result.err.strip().splitlines()) == 1
    assert tocsin(offline, "list").err.startswith("Erreur : Aucun serveur Temporal")


# --------------------------------------------------------------------------- against tocsin up


@dataclass
class Up:
    env: dict[str, str]
    proc: subprocess.Popen[str]
    log: Path
    data_dir: Path


@pytest.fixture(scope="module")
def up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Up]:
    """``tocsin up`` as a process on free ports, stopped with Ctrl-C (SIGINT) at the end."""
    data_dir = tmp_path_factory.mktemp("up")
    env = tocsin_env(
        data_dir,
        TOCSIN_EMBEDDED_PORT=str(free_port()),
        TOCSIN_UI_PORT=str(free_port()),
        TOCSIN_METRICS=str(free_port()),
    )
    log = data_dir / "up.log"
    with tocsin_up(env, log) as proc:
        yield Up(env, proc, log, data_dir)


def status_json(up: Up, crisis: str) -> dict[str, object]:
    result = tocsin(up.env, "status", crisis, "--json")
    assert result.code == 0, result.text
    data: dict[str, object] = json.loads(result.out)
    return data


def wait_state(up: Up, crisis: str, state: str, phase: str | None = None) -> dict[str, object]:
    deadline = time.monotonic() + 30
    while True:
        data = status_json(up, crisis)
        if data["state"] == state and (phase is None or data["phase"] == phase):
            return data
        assert time.monotonic() < deadline, data
        time.sleep(0.2)


def test_up_prints_its_addresses(up: Up) -> None:
    output = up.log.read_text(encoding="utf-8")
    assert f"127.0.0.1:{up.env['TOCSIN_EMBEDDED_PORT']}" in output
    assert f"interface web : http://127.0.0.1:{up.env['TOCSIN_UI_PORT']}" in output
    assert (up.data_dir / "temporal.sqlite").exists()
    assert (up.data_dir / "server.json").exists()


def test_a_whole_crisis_from_the_command_line(up: Up, tmp_path: Path) -> None:
    env = up.env
    started = tocsin(env, "trigger", PLAYBOOK, "--as", "camille", "--key", "cli", *sample_params())
    assert started.code == 0, started.text
    crisis = "crisis-eau-non-potable-cli"
    assert started.out.strip() == f"Crise déclenchée : {crisis}"
    again = tocsin(env, "trigger", PLAYBOOK, "--as", "sacha", "--key", "cli", *sample_params())
    assert again.code == 0
    assert "déjà en cours" in again.out
    other = sample_params(params={"commune": "Vireux"})
    differs = tocsin(env, "trigger", PLAYBOOK, "--as", "camille", "--key", "cli", *other)
    assert differs.code == 1
    assert differs.err.strip() == (
        f"Erreur : Une crise tourne déjà sous cette clé ({crisis}), avec d’autres valeurs pour : "
        "commune. Pour une autre crise le même jour, donnez-lui sa propre clé : --key "
        "secteur-nord, par exemple."
    )

    listed = tocsin(env, "list")
    assert crisis in listed.out
    assert any(
        item["crisis_id"] == crisis for item in json.loads(tocsin(env, "list", "--json").out)
    )

    gate = wait_state(up, crisis, "awaiting_approval", "acknowledge")
    rev = gate["revision"]
    assert isinstance(rev, int)
    shown = tocsin(env, "status", crisis)
    assert "Premier message" in shown.out
    assert "acknowledge" not in shown.out  # a phase reads by its name, never its code
    assert "Dominique Lefèvre" in shown.out

    # Mistakes: the wrong person, no revision and no terminal, a stale revision.
    wrong = tocsin(env, "approve", crisis, "--as", "noor", "-y")
    assert wrong.code == 1
    # People by name and roles by label, never their ids.
    assert wrong.err.startswith("Erreur : Refusé : Noor Haddad n’a pas le rôle attendu (directeur)")
    blind = tocsin(env, "approve", crisis, "--as", "dominique")
    assert blind.code == 1
    assert "--revision N" in blind.err
    stale = tocsin(env, "approve", crisis, "--as", "dominique", "-r", str(rev + 5))
    assert "n’est plus la bonne" in stale.err
    bad_edit = tocsin(env, "approve", crisis, "--as", "dominique", "-y", "-e", "fax=bonjour")
    assert "Modification mal écrite" in bad_edit.err

    asked = tocsin(
        env, "request-changes", crisis, "--as", "dominique", "-y", "-m", "Ajouter les horaires."
    )
    assert asked.code == 0, asked.text
    wait_state(up, crisis, "awaiting_revision")
    sms = "Eau non potable. Bouteilles salle des fêtes, 8 h–20 h. Infos : 0 800 123 456."
    revised = tocsin(env, "revise", crisis, "--as", "camille", "-e", f"sms:fr={sms}", "-m", "ok")
    assert revised.code == 0, revised.text
    assert revised.out.strip() == f"Révision {rev + 1} soumise."
    approved = tocsin(env, "approve", crisis, "--as", "dominique", "-r", str(rev + 1))
    assert approved.code == 0, approved.text
    assert "Décision enregistrée" in approved.out

    fact = tocsin(env, "fact", crisis, "Les analyses de 14 h sont conformes.", "--as", "camille")
    assert fact.out.strip() == "Fait ajouté."
    wait_state(up, crisis, "awaiting_approval", "explain")
    rejected = tocsin(env, "reject", crisis, "--as", "dominique", "-y", "--reason", "Trop tôt.")
    assert rejected.code == 0, rejected.text

    wait_state(up, crisis, "awaiting_approval", "solutions")
    edit_file = tmp_path / "x.txt"
    edit_file.write_text("Distribution d’eau salle des fêtes jusqu’à 20 h.\n", encoding="utf-8")
    edited = tocsin(env, "approve", crisis, "--as", "dominique", "-y", "-e", f"x:fr=@{edit_file}")
    assert edited.code == 0, edited.text

    wait_state(up, crisis, "waiting_follow_up")
    # Nothing waits between statements: said, nothing sent (crises.current_revision).
    idle = tocsin(env, "approve", crisis, "--as", "dominique", "-y")
    assert idle.code == 1
    assert idle.err.strip() == "Erreur : Rien à approuver pour cette crise en ce moment."
    unasked = tocsin(env, "revise", crisis, "--as", "camille", "-e", f"sms:fr={sms}")
    assert unasked.code == 1
    assert unasked.err.strip() == "Erreur : Refusé : aucune modification n’a été demandée"
    # A correction of the last statement published: its own gate, then out.
    fixed = "Distribution d’eau salle des fêtes jusqu’à 21 h. Infos : 0 800 123 456."
    corrected = tocsin(
        env, "correct", crisis, "--as", "camille", "-e", f"sms:fr={fixed}", "--reason", "horaire"
    )
    assert corrected.code == 0, corrected.text
    assert corrected.out.startswith(
        f"Correction enregistrée\xa0: révision {rev + 4} de «\xa0Solutions\xa0»"
    )
    self_approved = tocsin(env, "approve", crisis, "--as", "camille", "-y")
    assert self_approved.code == 1
    wait_state(up, crisis, "awaiting_approval", "solutions")
    assert tocsin(env, "approve", crisis, "--as", "dominique", "-y").code == 0
    wait_state(up, crisis, "waiting_follow_up")
    resolved = tocsin(env, "resolve", crisis, "--as", "camille", "-m", "Eau de nouveau potable.")
    assert resolved.code == 0, resolved.text
    wait_state(up, crisis, "awaiting_approval", "close")
    assert tocsin(env, "approve", crisis, "--as", "dominique", "-y").code == 0
    final = wait_state(up, crisis, "closed")
    decisions = final["decisions"]
    assert isinstance(decisions, list)
    assert [d["action"] for d in decisions] == [
        "request_changes",
        "approve",
        "reject",
        "approve_with_edits",
        "approve",
        "approve",
    ]

    events = tocsin(env, "status", crisis, "--events")
    assert "Retour d’expérience prévu le " in events.out
    for kind in ("detected", "revised", "fact_added", "published", "resolved", "closed"):
        assert text_in("fr", f"event.{kind}") in events.out, kind
    assert "fact_added" not in events.out  # the timeline names events, never their codes
    outbox = up.data_dir / "outbox" / crisis
    assert (outbox / "2-acknowledge" / "sms.fr.txt").read_text(encoding="utf-8").strip() == sms
    assert not (outbox / "3-explain").exists()
    corrected_sms = outbox / "4-solutions-correction-1" / "sms.fr.txt"
    assert corrected_sms.read_text(encoding="utf-8").strip() == fixed
    assert (
        (outbox / "4-solutions" / "x.fr.txt")
        .read_text(encoding="utf-8")
        .startswith("Distribution d’eau")
    )
    row = next(line for line in tocsin(env, "list").out.splitlines() if line.startswith(crisis))
    assert row.split("\t")[1] == "terminée"

    late = tocsin(env, "approve", crisis, "--as", "dominique", "-y")
    assert late.code == 1
    assert late.err.strip() == "Erreur : Refusé : la crise est terminée"

    # What monitoring sees: Prometheus metrics from the worker in `tocsin up`, JSON log lines
    # that name the crisis, phase and revision.
    port = env["TOCSIN_METRICS"]
    assert f"Métriques Prometheus : http://127.0.0.1:{port}/metrics" in up.log.read_text()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as reply:
        exported = reply.read().decode()
    assert re.search(r'^tocsin_decisions\{[^}]*action="reject"[^}]*\} 1$', exported, re.M)
    assert re.search(r'^tocsin_statements_published\{[^}]*channel="sms"', exported, re.M)
    assert "temporal_workflow_task_execution_latency" in exported
    logged = [json.loads(line) for line in up.log.read_text().splitlines() if line.startswith("{")]
    mine = [line for line in logged if line.get("crisis") == crisis]
    assert {"statement.drafted", "statement.published", "notification"} <= {
        line["event"] for line in mine
    }

    # The review, read from the server while the workflow waits the playbook's 7 days to post it.
    report = tmp_path / "retex.html"
    review = tocsin(env, "review", crisis, "--html", str(report))
    assert review.code == 0, review.text
    lines = review.out.splitlines()
    assert lines[0] == "Retour d’expérience — Eau non potable (crisis-eau-non-potable-cli)"
    assert lines[1].startswith("Détectée le ")
    assert ", close " in lines[1]
    assert "demandes de modification 1 · refus 1" in review.out
    assert f"Rapport écrit : {report}" in review.err
    assert "<svg" in report.read_text(encoding="utf-8")
    data = json.loads(tocsin(env, "review", crisis, "--json").out)
    assert data["status"] == "closed"
    assert [d["action"] for d in data["decisions"]] == [d["action"] for d in decisions]


def test_cancel_and_unknown_crisis(up: Up) -> None:
    env = up.env
    started = tocsin(
        env, "trigger", PLAYBOOK, "--as", "camille", "--key", "annul", *sample_params()
    )
    assert started.code == 0, started.text
    crisis = "crisis-eau-non-potable-annul"
    wait_state(up, crisis, "awaiting_approval", "acknowledge")
    no_reason = tocsin(env, "cancel", crisis, "--as", "camille")
    assert no_reason.code != 0
    # The communicator may not end the crisis: the playbook names who may (`ending`).
    author = tocsin(env, "cancel", crisis, "--as", "camille", "--reason", "Fausse alerte.")
    assert author.code == 1
    assert author.err.strip() == (
        "Erreur : Refusé : Camille Martin ne peut pas mettre fin à la crise "
        "(rôles autorisés : directeur, directeur adjoint)"
    )
    cancelled = tocsin(env, "cancel", crisis, "--as", "dominique", "--reason", "Fausse alerte.")
    assert cancelled.out.strip() == "Crise annulée."
    listed = tocsin(env, "list").out.splitlines()
    assert next(line for line in listed if line.startswith(crisis)).split("\t")[1] == "annulée"
    after = tocsin(env, "approve", crisis, "--as", "dominique", "-y")
    assert after.code == 1
    assert "terminée" in after.err
    assert ", annulée (Fausse alerte.)" in tocsin(env, "review", crisis).out.splitlines()[1]
    unknown = tocsin(env, "status", "crisis-nulle-part")
    assert unknown.code == 1
    assert unknown.err.startswith("Erreur : Crise inconnue « crisis-nulle-part »")
    no_review = tocsin(env, "review", "crisis-nulle-part")
    assert no_review.code == 1
    assert "Crise inconnue" in no_review.err
    for command in (["approve", "-y"], ["resolve"], ["fact", "x"], ["revise"]):
        result = tocsin(env, command[0], "crisis-nulle-part", *command[1:], "--as", "camille")
        assert result.code == 1
        assert "Crise inconnue" in result.err, (command, result.err)


def test_up_refuses_a_busy_port(up: Up, tmp_path: Path) -> None:
    env = tocsin_env(tmp_path, TOCSIN_EMBEDDED_PORT=up.env["TOCSIN_EMBEDDED_PORT"])
    result = tocsin(env, "up")
    assert result.code == 1
    assert up.env["TOCSIN_EMBEDDED_PORT"] in result.err


def test_ctrl_c_stops_everything(up: Up) -> None:
    """Last in the module: SIGINT stops the worker and the server, and frees the ports."""
    up.proc.send_signal(signal.SIGINT)
    assert up.proc.wait(timeout=30) == 0
    output = up.log.read_text(encoding="utf-8")
    assert "Tout est arrêté." in output
    assert "Traceback" not in output
    assert not (up.data_dir / "server.json").exists()
    assert port_is_free(int(up.env["TOCSIN_EMBEDDED_PORT"]))
    assert port_is_free(int(up.env["TOCSIN_UI_PORT"]))


def test_demo_runs_a_whole_crisis(tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    result = tocsin(tocsin_env(tmp_path), "demo", "--keep", str(kept))
    assert result.code == 0, result.text
    assert "simulé" in result.out
    assert "escalade" in result.out.lower()
    assert "sms.fr.txt" in result.out
    assert "Retour d’expérience — Eau non potable [Exercice]" in result.out
    assert "7-retex/retex.html" in result.out
    # The refusal it announces is the four-eyes one: the author holds the approver's role.
    tried = result.out.index("tente d’approuver sa propre révision 1")
    assert "principe des quatre yeux" in result.out[tried : tried + 400]
    assert "Camille Martin est l’auteur de la révision 1" in result.out[tried : tried + 400]
    # The revision really changes the SMS, and the review shows the change.
    retex = next(kept.rglob("7-retex/retex.json"))
    review = Review.model_validate_json(retex.read_text(encoding="utf-8"))
    revised = [e for e in review.events if e.kind is Kind.REVISED]
    assert len(revised) == 1
    assert [(d.channel.value, d.language) for d in revised[0].edits] == [("sms", "fr")]
    edit = revised[0].edits[0]
    assert edit.before != edit.after
    assert "Eau en bouteille : " in edit.after
    assert "Eau en bouteille : " not in edit.before
    published = next(kept.rglob("3-explain/sms.fr.txt")).read_text(encoding="utf-8")
    assert published.rstrip("\n") == edit.after
    assert "<ins>" in next(kept.rglob("7-retex/retex.html")).read_text(encoding="utf-8")
    # The review it prints speaks in labels, not codes.
    printed = result.out[result.out.index("Retour d’expérience — Eau non potable") :]
    for code in ("deputy_director", "follow_up", "request_changes", "acknowledge", "event."):
        assert code not in printed
    # Nor does anything else it prints in French, but the file names it lists.
    codes = re.compile(
        r"\b(acknowledge|explain|follow_up[-\w]*|deputy_director|communicator|legal_adviser|"
        r"approve\w*|request_changes|reject|press_release|hotline|website|edited|"
        r"(?:event|state|refuse|review)\.\w+)\b"
    )
    listed = re.compile(r"^\s+[\w.-]+(/|\.\w+\s+\(\d+ o\))$")  # the outbox's files
    said = [line for line in result.out.splitlines() if "/" not in line and not listed.match(line)]
    found = [(line, codes.findall(line)) for line in said if codes.search(line)]
    assert found == []
