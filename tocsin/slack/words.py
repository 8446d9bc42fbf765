"""Words the Slack app shows that are not sentences: names of channels, languages and units in
the reader's language, and Slack's markup made inert in anything typed by someone."""

from __future__ import annotations

import re

from babel import Locale

from tocsin.i18n import has, language, t
from tocsin.i18n.formats import LOCALES
from tocsin.models import Channel

# The units channels count in (tocsin.channels), by the key of their name in the catalogue.
UNITS = {
    "caractères": "characters",
    "caractères pondérés": "weighted_characters",
    "graphèmes": "graphemes",
    "mots": "words",
    "segments": "segments",
    "pages": "pages",
    "secondes": "seconds",
}


def escape(text: str) -> str:
    """Slack's mrkdwn control characters, made inert: ``<!channel>``, ``<https://x|y>`` and
    ``<@U123>`` typed by someone show as typed, and notify or link nothing (a statement may
    hold HTML too)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def channel_name(channel: Channel) -> str:
    """``SMS``, ``Communiqué de presse``: never ``press_release``."""
    return t(f"slack.channel.{channel.value}")


def language_name(code: str) -> str:
    """``français``, ``English``…: a language's own code named in the reader's language."""
    names = Locale.parse(LOCALES.get(language(), "fr_FR")).languages
    return str(names.get(code, code))


def text_name(channel: Channel, lang: str) -> str:
    """One text of a statement: ``SMS · français``."""
    return f"{channel_name(channel)} · {language_name(lang)}"


def unit_name(unit: str) -> str:
    """``caractères`` as the reader says it; a unit the catalogue does not know, as it is."""
    key = f"slack.unit.{UNITS.get(unit, unit)}"
    return t(key) if has(key) else unit


def one_language(text: str) -> str:
    """A channel's problem, written ``français / English`` by tocsin.channels, in the reader's
    half: the French for French, the English otherwise."""
    french, slash, english = text.partition(" / ")
    if not slash:
        return text
    return french if language() == "fr" else english


def code(text: str) -> str:
    """A text shown as a Slack code block: markup inert, and a typed ``` cannot close it."""
    return "```" + escape(text).replace("```", "`\u200b`\u200b`") + "```"


SLACK_USER = re.compile(r"^[UW][A-Z0-9]{1,20}$")


def mentions(user_ids: list[str], names: list[str]) -> str:
    """``<@U…>`` for each well-formed Slack member id (a playbook's ``slack_user_id`` is not
    trusted to be one); the names, inert, when none is."""
    ids = [i for i in user_ids if SLACK_USER.match(i)]
    return ", ".join(f"<@{i}>" for i in ids) if ids else escape(", ".join(names))
