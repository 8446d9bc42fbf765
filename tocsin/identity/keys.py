"""Where the keys live.

- The organisation's key file (``TOCSIN_KEYS``, YAML) lists the public keys of its front ends,
  several per front end while they rotate, checked like a playbook (file:line). Each front end
  reads its private key from a file its own setting names (``TOCSIN_OPERATOR_KEY``,
  ``TOCSIN_SLACK_KEY``, ``TOCSIN_WEB_KEY``, ``TOCSIN_MATRIX_KEY``); ``tocsin keys new`` makes one.
- Without a key file (the embedded default, the demo), one key per front end is made on first
  run in ``<data folder>/keys/``, owner-only, with the key file beside them: the quick start
  needs nothing.

A private key is never read into a model, a log or a message: only its public half and its id.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from pydantic import Field, TypeAdapter, ValidationError

from tocsin.i18n import t
from tocsin.identity.signing import Credential, key_id, public_text
from tocsin.models.base import Strict
from tocsin.models.identity import MAX_KEYS, Front, FrontKey, Keyring
from tocsin.playbook.reading import Problem, problem
from tocsin.playbook.reading import _pydantic_message as pydantic_message
from tocsin.playbook.reading import _readable_errors as readable_errors
from tocsin.yamlsource import YamlSyntaxError, load_yaml

KEYS_VARIABLE = "TOCSIN_KEYS"
PRIVATE_VARIABLES: Mapping[Front, str] = {
    Front.CLI: "TOCSIN_OPERATOR_KEY",
    Front.SLACK: "TOCSIN_SLACK_KEY",
    Front.WEB: "TOCSIN_WEB_KEY",
    Front.MATRIX: "TOCSIN_MATRIX_KEY",
}
LOCAL_FOLDER = "keys"
LOCAL_KEYRING = "keyring.yml"
MAX_KEY_FILE_BYTES = 64 * 1024


class KeysError(Exception):
    """A key file or a private key that cannot be used, with every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class MissingKey(Exception):
    """A front end has no private key to sign with: which setting to give."""

    def __init__(self, front: Front, variable: str, problem: str = "") -> None:
        super().__init__(variable)
        self.front, self.variable, self.problem = front, variable, problem


class _KeySpec(Strict):
    front: Front
    public: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{43}$")]


class _KeyFile(Strict):
    keys: Annotated[
        dict[Annotated[str, Field(min_length=1, max_length=80)], _KeySpec],
        Field(min_length=1, max_length=MAX_KEYS),
    ]


_FILE = TypeAdapter(_KeyFile)


def load_keyring(file: Path) -> Keyring:
    """The organisation's public keys, or :class:`KeysError` naming each problem's line."""
    try:
        doc = load_yaml(file)
    except YamlSyntaxError as exc:
        raise KeysError([Problem(file, exc.line, exc.column, exc.problem)]) from None
    except OSError as exc:
        raise KeysError(
            [Problem(file, 1, 1, t("keys.err.unreadable", problem=exc.strerror or exc))]
        ) from None
    problems = [
        Problem(doc.file, pos.line, pos.column, t("accounts.err.duplicate", key=key))
        for key, pos in doc.duplicate_keys
    ]
    data: Any = doc.data
    try:
        parsed = _FILE.validate_python(data)
    except ValidationError as exc:
        problems += [
            problem(doc, tuple(error["loc"]), pydantic_message(error))
            for error in readable_errors(exc)
        ]
        raise KeysError(problems) from None
    keys: list[FrontKey] = []
    for label, spec in parsed.keys.items():
        kid = key_id(spec.public)
        if any(k.key_id == kid for k in keys):
            problems.append(problem(doc, ("keys", label), t("keys.err.twice", label=label)))
            continue
        keys.append(FrontKey(key_id=kid, front=spec.front, public=spec.public, label=label))
    if problems:
        raise KeysError(problems)
    return Keyring(keys=keys)


def keyring_text(keys: Mapping[str, tuple[Front, str]]) -> str:
    """A key file's YAML: label -> (front end, public key)."""
    lines = ["# tocsin: the public keys of the front ends (tocsin keys new).", "keys:"]
    lines += [
        f"  {label}: {{front: {front.value}, public: {public}}}"
        for label, (front, public) in keys.items()
    ]
    return "\n".join(lines) + "\n"


def new_private_key(path: Path) -> Ed25519PrivateKey:
    """A new Ed25519 key written to ``path`` (PEM, owner-only, never over an existing file)."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return key


def read_private_key(front: Front, path: Path, variable: str) -> Ed25519PrivateKey:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise MissingKey(front, variable, f"{path}: {exc.strerror or exc}") from None
    try:
        key = load_pem_private_key(raw, password=None)
    except (ValueError, TypeError):
        raise MissingKey(front, variable, f"{path}: {t('keys.err.not_ed25519')}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise MissingKey(front, variable, f"{path}: {t('keys.err.not_ed25519')}")
    return key


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with (folder / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def local_keys(data_dir: Path) -> Path:
    """The data folder's keys, one per front end, made on first run (several processes may
    start at once: a lock keeps them to one set). Returns the folder."""
    folder = data_dir / LOCAL_FOLDER
    keyring = folder / LOCAL_KEYRING
    if keyring.exists():
        return folder
    with _locked(folder):
        if keyring.exists():
            return folder
        publics: dict[str, tuple[Front, str]] = {}
        for front in Front:
            path = folder / f"{front.value}.pem"
            key = (
                read_private_key(front, path, str(path)) if path.exists() else new_private_key(path)
            )
            label = (
                f"{_local_user()}-{front.value}" if front is Front.CLI else f"{front.value}-local"
            )
            publics[label] = (front, public_text(key))
        partial = keyring.with_suffix(".tmp")
        partial.write_text(keyring_text(publics), encoding="utf-8")
        partial.chmod(0o600)
        partial.replace(keyring)
    return folder


def _local_user() -> str:
    try:
        name = getpass.getuser()
    except (OSError, KeyError):
        name = "operateur"
    cleaned = "".join(c for c in name if c.isalnum() or c in "-_.")[:40]
    return cleaned or "operateur"


def trusted_keyring(data_dir: Path, env: Mapping[str, str] | None = None) -> Keyring:
    """The keys this machine trusts: the key file ``TOCSIN_KEYS`` names, or the data folder's."""
    env = os.environ if env is None else env
    named = env.get(KEYS_VARIABLE, "").strip()
    if named:
        return load_keyring(Path(named).expanduser())
    return load_keyring(local_keys(data_dir) / LOCAL_KEYRING)


def private_key(
    front: Front, data_dir: Path, env: Mapping[str, str] | None = None
) -> Ed25519PrivateKey:
    """The front end's private key: the file its setting names; without a key file, the data
    folder's (made on first run). With a key file and no setting: :class:`MissingKey`."""
    env = os.environ if env is None else env
    variable = PRIVATE_VARIABLES[front]
    named = env.get(variable, "").strip()
    if named:
        return read_private_key(front, Path(named).expanduser(), variable)
    if env.get(KEYS_VARIABLE, "").strip():
        raise MissingKey(front, variable)
    folder = local_keys(data_dir)
    return read_private_key(front, folder / f"{front.value}.pem", variable)


def operator(data_dir: Path, reason: str = "", env: Mapping[str, str] | None = None) -> Credential:
    """The command line's credential: the operator's key, named by its label in the key file
    (``operator:<label>``), and why the operator acts (break-glass)."""
    key = private_key(Front.CLI, data_dir, env)
    kid = key_id(public_text(key))
    try:
        found = trusted_keyring(data_dir, env).find(kid)
    except KeysError:
        found = None
    return Credential(key, f"operator:{found.label if found else kid}", reason)
