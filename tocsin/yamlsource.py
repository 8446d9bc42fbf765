"""YAML loading that remembers where every value came from (file, line, column).

PyYAML builds the node tree; we construct the data from it and keep, for every path of
keys and indexes, the position of its node, so that a validation error can point at the line
a person has to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[str | int, ...]

# A playbook is a few hundred values in a few kilobytes. These bounds stop a hostile file (a
# "billion laughs" of aliases, a huge blob) before it eats the machine's memory and time.
MAX_BYTES = 2_000_000
MAX_VALUES = 100_000
DEEP = "imbrication trop profonde / nesting too deep"


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class YamlDocument:
    file: Path
    data: Any
    positions: dict[PathKey, Position] = field(default_factory=dict)
    duplicate_keys: list[tuple[str, Position]] = field(default_factory=list)
    values: int = 0  # nodes walked, aliases expanded

    def position_of(self, path: PathKey) -> Position | None:
        """The position of ``path``, or of its nearest ancestor that has one."""
        probe = tuple(path)
        while probe:
            found = self.positions.get(probe)
            if found is not None:
                return found
            probe = probe[:-1]
        return self.positions.get(())


class YamlSyntaxError(Exception):
    def __init__(self, file: Path, line: int, column: int, problem: str) -> None:
        super().__init__(f"{file}:{line}:{column}: {problem}")
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem


def _walk(node: yaml.Node, path: PathKey, doc: YamlDocument) -> None:
    doc.values += 1
    if doc.values > MAX_VALUES:
        raise YamlSyntaxError(
            doc.file,
            node.start_mark.line + 1,
            node.start_mark.column + 1,
            f"plus de {MAX_VALUES} valeurs une fois les alias développés / more than "
            f"{MAX_VALUES} values once aliases are expanded",
        )
    doc.positions[path] = Position(node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            key_pos = Position(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in seen:
                doc.duplicate_keys.append((key, key_pos))
            seen.add(key)
            _walk(value_node, (*path, key), doc)
            # Point errors about a key at the key itself, values keep their own position.
            if not isinstance(value_node, yaml.ScalarNode):
                doc.positions[(*path, key)] = key_pos
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), doc)


def load_yaml(file: Path, text: str | None = None) -> YamlDocument:
    """Parse one YAML document, raising :class:`YamlSyntaxError` with its position."""
    if text is None:
        try:
            size = file.stat().st_size
            if size > MAX_BYTES:
                raise YamlSyntaxError(
                    file,
                    1,
                    1,
                    f"fichier trop gros ({size} octets, {MAX_BYTES} au plus) / "
                    f"file too large ({size} bytes, at most {MAX_BYTES})",
                )
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise YamlSyntaxError(file, 1, 1, f"pas de l’UTF-8 / not UTF-8 ({exc.reason})") from exc
    if len(text) > MAX_BYTES:
        raise YamlSyntaxError(
            file,
            1,
            1,
            f"texte trop long ({len(text)} caractères, {MAX_BYTES} au plus) / "
            f"text too long ({len(text)} characters, at most {MAX_BYTES})",
        )
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise YamlSyntaxError(file, 1, 1, "fichier vide / empty file")
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "<stream end>" in (exc.problem or ""):
            # Unclosed bracket or quote: the place it was opened is where to look.
            mark = exc.context_mark
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        detail = exc.problem or exc.context or ""
        if exc.context and exc.context_mark and exc.context_mark is not mark:
            detail += f" ({exc.context}, ligne / line {exc.context_mark.line + 1})"
        raise YamlSyntaxError(
            file, line, column, f"YAML invalide / invalid YAML : {detail}".rstrip(" :")
        ) from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(file, 1, 1, str(exc)) from exc
    except RecursionError as exc:
        raise YamlSyntaxError(file, 1, 1, DEEP) from exc
    finally:
        loader.dispose()
    doc = YamlDocument(file=file, data=data)
    try:
        _walk(node, (), doc)
    except RecursionError as exc:
        raise YamlSyntaxError(file, 1, 1, DEEP) from exc
    return doc
