"""Settings, read from the environment. Every variable is listed in the README."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import BaseModel, ConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_PLAYBOOKS = PROJECT_ROOT / "playbooks"
BUNDLED_TEMPLATES = PROJECT_ROOT / "templates"


# The task queues a worker polls: both (the default), or one, for a deployment that runs the
# exercises' worker apart (another machine, a lower priority).
Queues = Literal["both", "real", "exercise"]
QUEUES: tuple[Queues, ...] = ("both", "real", "exercise")


class SettingsError(Exception):
    """A variable of the environment that tocsin cannot use: its name, its value, what it
    takes. Not a ValueError, so that it passes through the handlers of other bad values and
    is said by the command line's one translation of it."""

    def __init__(self, name: str, raw: str, lowest: int, highest: int) -> None:
        super().__init__(f"{name}={raw!r}")
        self.name, self.raw, self.lowest, self.highest = name, raw, lowest, highest


def whole_number(env: Mapping[str, str], name: str, default: int, lowest: int, highest: int) -> int:
    """A whole number from ``env``, within bounds; a bad value names its variable."""
    raw = env.get(name, "")
    if not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise SettingsError(name, raw, lowest, highest) from None
    if not lowest <= value <= highest:
        raise SettingsError(name, raw, lowest, highest)
    return value


def file_mode(env: Mapping[str, str], name: str = "TOCSIN_FILE_MODE") -> int:
    """The mode of the files tocsin writes, in octal (``600``, ``640``): the owner reads and
    writes, nobody executes; folders get it with the right to enter (tocsin.outbox.Modes)."""
    raw = env.get(name, "").strip()
    if not raw:
        return 0o600
    mode = int(raw, 8) if raw.isdigit() and set(raw) <= set("01234567") else -1
    if not 0 <= mode <= 0o666 or mode & 0o600 != 0o600 or mode & 0o111:
        raise SettingsError(name, raw, 600, 666)
    return mode


def _folders(value: str | None) -> list[Path]:
    if not value:
        return []
    return [Path(part).expanduser() for part in value.split(os.pathsep) if part]


class TriggerLimits(BaseModel):
    """How many crises one person, and one playbook, may start in a sliding window: real crises
    and exercises counted apart, so that drills never use up what a real crisis needs."""

    model_config = ConfigDict(frozen=True)

    window_minutes: int = 60
    per_person: int = 20
    per_playbook: int = 50
    drills_per_person: int = 5
    drills_per_playbook: int = 10

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TriggerLimits:
        return cls(
            window_minutes=whole_number(env, "TOCSIN_TRIGGER_WINDOW_MINUTES", 60, 1, 24 * 60),
            per_person=whole_number(env, "TOCSIN_TRIGGERS_PER_PERSON", 20, 1, 100_000),
            per_playbook=whole_number(env, "TOCSIN_TRIGGERS_PER_PLAYBOOK", 50, 1, 100_000),
            drills_per_person=whole_number(env, "TOCSIN_DRILLS_PER_PERSON", 5, 1, 100_000),
            drills_per_playbook=whole_number(env, "TOCSIN_DRILLS_PER_PLAYBOOK", 10, 1, 100_000),
        )


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    temporal_address: str | None = None
    namespace: str = "default"
    task_queue: str = "tocsin"
    # Exercises run on a queue of their own, served with few slots: a drill storm waits there
    # and never holds a real crisis's tasks (``tocsin worker`` and ``tocsin up`` poll both).
    drill_task_queue: str = "tocsin-exercise"
    drill_slots: int = 2
    data_dir: Path
    database: Path
    outbox: Path
    playbook_folders: list[Path]
    template_folders: list[Path]
    channels_file: Path | None = None
    guardrails_file: Path | None = None
    embedded_port: int = 7233
    ui_port: int = 8233
    max_history_events: int = 1500
    # Crises a worker keeps in memory between their workflow tasks (the SDK's sticky cache);
    # beyond, the least recent is evicted and replayed from its history when it next wakes.
    max_cached_crises: int = 1000
    metrics: str | None = None  # Prometheus endpoint of workers: "9464" or "0.0.0.0:9464"
    otlp_endpoint: str | None = None  # OpenTelemetry traces, OTLP/HTTP: "http://collector:4318"
    file_mode: int = 0o600  # of the files tocsin writes (personal data): owner-only unless told
    trigger_limits: TriggerLimits = TriggerLimits()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("TOCSIN_DATA_DIR") or user_data_dir("tocsin", appauthor=False))
        task_queue = env.get("TOCSIN_TASK_QUEUE") or "tocsin"
        return cls(
            temporal_address=env.get("TEMPORAL_ADDRESS") or None,
            namespace=env.get("TEMPORAL_NAMESPACE") or "default",
            task_queue=task_queue,
            drill_task_queue=env.get("TOCSIN_DRILL_TASK_QUEUE") or f"{task_queue}-exercise",
            drill_slots=whole_number(env, "TOCSIN_DRILL_SLOTS", 2, 1, 100),
            data_dir=data_dir,
            database=Path(env.get("TOCSIN_DB") or data_dir / "temporal.sqlite"),
            outbox=Path(env.get("TOCSIN_OUTBOX") or data_dir / "outbox"),
            playbook_folders=[*_folders(env.get("TOCSIN_PLAYBOOKS")), BUNDLED_PLAYBOOKS],
            template_folders=[*_folders(env.get("TOCSIN_TEMPLATES")), BUNDLED_TEMPLATES],
            channels_file=Path(env["TOCSIN_CHANNELS"]).expanduser()
            if env.get("TOCSIN_CHANNELS")
            else None,
            guardrails_file=Path(env["TOCSIN_GUARDRAILS"]).expanduser()
            if env.get("TOCSIN_GUARDRAILS")
            else None,
            embedded_port=whole_number(env, "TOCSIN_EMBEDDED_PORT", 7233, 1, 65535),
            ui_port=whole_number(env, "TOCSIN_UI_PORT", 8233, 1, 65535),
            max_history_events=whole_number(env, "TOCSIN_MAX_HISTORY_EVENTS", 1500, 100, 50_000),
            max_cached_crises=whole_number(env, "TOCSIN_MAX_CACHED_CRISES", 1000, 1, 1_000_000),
            metrics=env.get("TOCSIN_METRICS") or None,
            otlp_endpoint=env.get("TOCSIN_OTLP_ENDPOINT") or None,
            file_mode=file_mode(env),
            trigger_limits=TriggerLimits.from_env(env),
        )

    @property
    def server_file(self) -> Path:
        """Where ``tocsin up`` writes the embedded server's address for the other commands."""
        return self.data_dir / "server.json"
