"""Bad and hostile input, through the real command line: each refused with a clear error that
says where, no traceback, no process brought down, bounded in time and memory. (Forged and
replayed Slack requests, and decisions from strangers, are in test_slack.py and
test_workflow.py.)"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.helpers import PLAYBOOK, sample_params
from tests.processes import TOCSIN, tocsin, tocsin_env
from tocsin.config import BUNDLED_PLAYBOOKS
from tocsin.yamlsource import MAX_BYTES, MAX_VALUES

LIMIT = 60  # seconds: a hostile file must not hold the command longer than this


@pytest.fixture
def offline(tmp_path: Path) -> dict[str, str]:
    return tocsin_env(tmp_path / "data", TOCSIN_EMBEDDED_PORT="1")


def bundled() -> str:
    return (BUNDLED_PLAYBOOKS / f"{PLAYBOOK}.yml").read_text(encoding="utf-8")


HOSTILE: dict[str, bytes] = {
    # A "billion laughs": nine levels of nine aliases.
    "bombe": (
        b'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
        + b"".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n".encode()
            for i in range(8)
        )
    ),
    "binaire": bytes(range(256)) * 8,
    "enorme": b"id: enorme\ntitle: " + b"x" * (MAX_BYTES + 10) + b"\n",
    "profond": b"id: profond\nx: " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "sandbox": bundled()
    .replace(
        "titre: ",
        "titre: \"{{ ''.__class__.__mro__[1].__subclasses__() }}\"\n    ancien_titre: ",
        1,
    )
    .encode(),
    "onglet": b"id: onglet\n\ttitle: x\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_playbooks_are_refused_with_where(
    name: str, tmp_path: Path, offline: dict[str, str]
) -> None:
    folder = tmp_path / "playbooks"
    folder.mkdir()
    file = folder / f"{name}.yml"
    file.write_bytes(HOSTILE[name])
    result = tocsin(offline, "playbooks", "lint", str(folder), timeout=LIMIT)
    assert result.code == 1, (result.out, result.err)
    assert "Traceback" not in result.out + result.err
    problems = [line for line in (result.out + result.err).splitlines() if str(file) in line]
    assert problems, result.out + result.err
    assert all(line.startswith(f"{file}:") for line in problems)
    expected = {
        "bombe": str(MAX_VALUES),
        "binaire": "UTF-8",
        "enorme": "trop gros",
        "profond": "trop profonde",
        "sandbox": "is unsafe",
        "onglet": "YAML",
    }[name]
    assert expected in "\n".join(problems)


def test_parameters_and_facts_are_data_never_code(offline: dict[str, str], tmp_path: Path) -> None:
    """Template syntax and HTML in a parameter or a fact come out as the words typed."""
    given = sample_params(params={"commune": "{{ 7 * 7 }}<script>alert(1)</script>"})
    page = tmp_path / "apercu.html"
    result = tocsin(
        offline,
        "preview",
        PLAYBOOK,
        "--phase",
        "acknowledge",
        *given,
        "--fact",
        "{% for x in range(10**9) %}x{% endfor %} <img src=x onerror=alert(1)>",
        "--html",
        str(page),
        timeout=LIMIT,
    )
    assert result.code in (0, 2), result.err  # 2: a text over its limit, shown
    assert "Traceback" not in result.err
    assert "{{ 7 * 7 }}" in result.out
    assert "49" not in result.out.split("{{ 7 * 7 }}")[0][-5:]
    html = page.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_oversized_and_binary_values_are_refused_before_anything_is_sent(
    offline: dict[str, str],
) -> None:
    huge = "x" * 6000
    fact = tocsin(offline, "fact", "crisis-x", huge, "--as", "camille", timeout=LIMIT)
    assert fact.code == 1
    assert fact.err.startswith("Erreur : Entrée refusée : text")
    assert "Traceback" not in fact.err
    param = tocsin(
        offline,
        *("trigger", PLAYBOOK, "--as", "camille", *sample_params(), "-p", "x\x01=y"),
        timeout=LIMIT,
    )
    assert param.code == 1
    assert "Traceback" not in param.err
    check = subprocess.run(
        [str(TOCSIN), "check", "--channel", "sms"],
        env=offline,
        input=b"\xff\xfe\x00binaire",
        capture_output=True,
        timeout=LIMIT,
        check=False,
    )
    assert check.returncode == 3
    assert b"Traceback" not in check.stderr
    assert b"UTF-8" in check.stderr


def test_a_hostile_history_file_is_refused(offline: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "run-1.json"
    bad.write_text(json.dumps({"events": [{"eventId": "1", "eventType": "NOPE"}]}))
    result = tocsin(offline, "review", "--history", str(bad), timeout=LIMIT)
    assert result.code == 1
    assert result.err.startswith("Erreur : Historique illisible")
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TOCSIN_MAX_HISTORY_EVENTS", "beaucoup"),
        ("TOCSIN_MAX_HISTORY_EVENTS", "5"),
        ("TOCSIN_MAX_CACHED_CRISES", "0"),
        ("TOCSIN_EMBEDDED_PORT", "99999"),
        ("TOCSIN_UI_PORT", "80 80"),
        ("TOCSIN_SLACK_PORT", "trois mille"),
    ],
)
def test_a_bad_number_in_the_environment_names_its_variable(
    name: str, value: str, tmp_path: Path
) -> None:
    env = tocsin_env(tmp_path / "data", **{name: value})
    if name.startswith("TOCSIN_SLACK"):
        env.update(SLACK_BOT_TOKEN="xoxb-essai", SLACK_APP_TOKEN="xapp-essai")
    result = tocsin(env, "slack" if name.startswith("TOCSIN_SLACK") else "list", timeout=LIMIT)
    assert result.code != 0
    assert f"{name} vaut « {value} »" in result.err
    assert "nombre entier" in result.err
