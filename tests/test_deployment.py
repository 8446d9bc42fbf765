"""The Docker deployment, checked without Docker (no engine runs on the build machines): the
compose files parse, their interpolations are well formed and the required secrets are required,
and every tocsin service's command and environment are ones the tocsin CLI and settings accept.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from tocsin.cli import cli
from tocsin.config import Settings
from tocsin.metrics import bind_address
from tocsin.slack.settings import SlackSettings

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "docker-compose.yml"
SLACK = ROOT / "docker-compose.slack.yml"
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}; $$ escapes.
INTERPOLATION = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?:(:?[-?])([^}]*))?\}")
VARIABLE = re.compile(r"`((?:TOCSIN|TEMPORAL|SLACK)_[A-Z_]+)`")
READ = re.compile(r"\"((?:TOCSIN|TEMPORAL|SLACK)_[A-Z_]+)\"")


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def documented() -> set[str]:
    """The variables of the README's settings table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    return set(VARIABLE.findall(table))


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's interpolation, strictly: an unset required variable is an error."""

    def one(match: re.Match[str]) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3) or ""
        given = env.get(name)
        if op in (":?", "?") and not given:
            raise LookupError(f"{name}: {arg}")
        if op in (":-", "-") and not given:
            return arg
        return given or ""

    rest = INTERPOLATION.sub(one, value.replace("$$", "\0"))
    assert "$" not in rest, f"malformed interpolation in {value!r}"
    return rest.replace("\0", "$")


def interpolate_all(compose: dict[str, Any], env: dict[str, str]) -> None:
    for text in strings(compose):
        interpolate(text, env)


def strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in strings(k) + strings(v)]
    if isinstance(node, list):
        return [s for item in node for s in strings(item)]
    return []


def service_env(compose: dict[str, Any], name: str, env: dict[str, str]) -> dict[str, str]:
    service = compose["services"][name]
    values = {str(k): interpolate(str(v), env) for k, v in service["environment"].items()}
    return values


def tocsin_services(compose: dict[str, Any]) -> list[str]:
    return [n for n, s in compose["services"].items() if s.get("image") == "tocsin:latest"]


SECRETS = {
    "POSTGRES_PASSWORD": "s3cret",
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_APP_TOKEN": "xapp-1",
    "TOCSIN_SLACK_CHANNEL": "C0123",
}


def test_the_compose_files_parse_and_interpolate() -> None:
    base, slack = load(BASE), load(SLACK)
    assert set(base["services"]) == {"postgresql", "temporal", "temporal-ui", "worker", "web"}
    assert base["services"]["web"]["profiles"] == ["web"]  # started only when asked
    assert set(slack["services"]) == {"slack"}
    for text in strings(base) + strings(slack):
        interpolate(text, SECRETS)  # every ${…} well formed
    # The database password is required by the base file, Slack's secrets by the Slack file.
    for missing, files in (
        ("POSTGRES_PASSWORD", [base]),
        ("SLACK_BOT_TOKEN", [slack]),
        ("SLACK_APP_TOKEN", [slack]),
        ("TOCSIN_SLACK_CHANNEL", [slack]),
    ):
        env = {k: v for k, v in SECRETS.items() if k != missing}
        for compose in files:
            with pytest.raises(LookupError, match=missing):
                interpolate_all(compose, env)
    # Without Slack, the base file needs nothing but the database password.
    for text in strings(base):
        interpolate(text, {"POSTGRES_PASSWORD": "s3cret"})


def test_services_wait_for_what_they_need_and_report_health() -> None:
    base = load(BASE)
    services = base["services"]
    for name in ("postgresql", "temporal", "worker"):
        assert services[name]["healthcheck"]["test"], name
    assert services["temporal"]["depends_on"]["postgresql"]["condition"] == "service_healthy"
    assert services["worker"]["depends_on"]["temporal"]["condition"] == "service_healthy"
    # Scalable: a worker publishes no host port; `--scale worker=3` would otherwise clash.
    assert "ports" not in services["worker"]
    # The worker's health check reads the metrics endpoint the settings open.
    check = " ".join(services["worker"]["healthcheck"]["test"])
    port = service_env(base, "worker", SECRETS)["TOCSIN_METRICS"].rsplit(":", 1)[1]
    assert f"127.0.0.1:{port}/metrics" in check
    # The organisation's files are mounted read-only; the data volume is shared by workers.
    volumes = services["worker"]["volumes"]
    assert any(v.endswith(":/org:ro") for v in volumes)
    assert "tocsin-data:/data" in volumes
    assert "tocsin-data" in base["volumes"]
    slack = load(SLACK)["services"]["slack"]
    assert slack["extends"] == {"file": "docker-compose.yml", "service": "worker"}


@pytest.mark.parametrize("name", ["worker", "slack", "web"])
def test_commands_and_environment_are_what_tocsin_accepts(name: str) -> None:
    base, slack = load(BASE), load(SLACK)
    if name == "slack":
        worker = base["services"]["worker"]
        service = {**worker, **slack["services"]["slack"]}
        env = {**service_env(base, "worker", SECRETS), **service_env(slack, "slack", SECRETS)}
    else:
        service = base["services"][name]
        env = service_env(base, name, SECRETS)
    assert name in tocsin_services(base) or name == "slack"
    # The command is a tocsin command and its arguments parse.
    command = service["command"]
    found = cli.commands.get(command[0])
    assert isinstance(found, click.Command), command
    found.make_context(command[0], list(command[1:]))
    # Every variable is one tocsin reads, and its value is accepted.
    assert set(env) <= documented(), set(env) - documented()
    settings = Settings.from_env(env)
    assert settings.temporal_address == "temporal:7233"
    assert settings.outbox == Path("/data/outbox")
    assert settings.playbook_folders[0] == Path("/org/playbooks")
    assert settings.metrics is not None
    assert bind_address(settings.metrics) == "0.0.0.0:9464"
    configured = SlackSettings.from_env(env)
    if name == "slack":
        assert configured is not None
        assert configured.problems(app=True) == []
    else:
        # Without Slack's secrets the worker runs without Slack; with them it posts cards.
        assert SlackSettings.from_env({**env, "SLACK_BOT_TOKEN": ""}) is None


def test_the_ui_reads_the_payloads_with_no_codec() -> None:
    """tocsin's payloads are plain JSON: the stock web UI is given no codec endpoint."""
    base = load(BASE)
    ui_env = service_env(base, "temporal-ui", SECRETS)
    assert not any("CODEC" in name for name in ui_env)


def test_every_variable_tocsin_reads_is_documented() -> None:
    read = set()
    for folder in ("tocsin", "activities", "workflows"):
        for path in (ROOT / folder).rglob("*.py"):
            read |= set(READ.findall(path.read_text(encoding="utf-8")))
    assert read
    assert read <= documented(), read - documented()


def test_the_image_holds_what_the_commands_need() -> None:
    lines = [
        line.strip()
        for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    copied = {line.split()[1] for line in lines if line.startswith("COPY")}
    # What the installed package and the bundled playbooks and templates need at run time.
    for needed in ("tocsin", "workflows", "activities", "playbooks", "templates"):
        assert needed in copied, needed
    assert "pyproject.toml" in copied
    assert any(line.startswith("RUN pip install") for line in lines)
    assert "USER tocsin" in lines
    assert 'ENTRYPOINT ["tocsin"]' in lines
    assert 'CMD ["worker"]' in lines
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert ".venv/" in ignored
