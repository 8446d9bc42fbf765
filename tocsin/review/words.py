"""The review's words in one language (French, English or German): its messages, the labels of
phases, roles, channels, actions and rules in place of their codes, and its dates, times and
durations in the crisis's time zone.

The messages are the gettext catalogue's (``tocsin/locale``); French messages get French
typography (a narrow no-break space before ; ! ? and inside « », a no-break space before :).
A value put into a message is left as it came: a person's words, a published text.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from tocsin.i18n import has, language, text_in
from tocsin.models import Channel, DecisionAction, PhaseName
from tocsin.models.identity import Front, Signer

REVIEW_LANGUAGES = ("fr", "en", "de")
NBSP = "\u00a0"  # espace insécable
NNBSP = "\u202f"  # espace fine insécable

# Babel patterns: the long date of a sentence, the short one of a table cell.
LONG_DATE = {"fr": "EEEE d MMMM y", "en": "EEEE d MMMM y", "de": "EEEE, d. MMMM y"}
SHORT_DATE = {"fr": "EEE d MMM", "en": "EEE d MMM", "de": "EEE d. MMM"}
YEAR_DATE = {"fr": "d MMM y", "en": "d MMM y", "de": "d. MMM y"}  # a due date, months ahead


def french_typography(text: str) -> str:
    """Imprimerie nationale spacing: `` :`` gets a no-break space; `` ;``, `` !``, `` ?`` and
    the inside of « » a narrow no-break space. Text without spaces there is left alone."""
    for mark in (";", "!", "?"):
        text = text.replace(f" {mark}", f"{NNBSP}{mark}")
    return (
        text.replace(" :", f"{NBSP}:")
        .replace("« ", f"«{NNBSP}")
        .replace(" »", f"{NNBSP}»")
        .replace("n° ", f"n°{NBSP}")
    )


class Words:
    """Messages, labels and dates for one review, in ``lang`` (the person's language when
    not given), with times in the crisis's time ``zone``."""

    def __init__(self, lang: str | None = None, zone: str = "Europe/Paris") -> None:
        self.lang = lang if lang in REVIEW_LANGUAGES else language()
        self.zone = ZoneInfo(zone)
        self.missing: set[str] = set()  # keys asked for that this language lacks

    # ------------------------------------------------------------------ messages

    def _text(self, key: str) -> str:
        if not has(key):
            self.missing.add(key)
            return key
        return text_in(self.lang, key)

    def __call__(self, key: str, /, **values: object) -> str:
        text = self._text(key)
        if self.lang == "fr":
            text = french_typography(text)
        try:
            return text.format(**values)
        except (KeyError, IndexError):
            self.missing.add(key)
            return text

    @staticmethod
    def has(key: str) -> bool:
        return has(key)

    def count(self, prefix: str, n: int, /, **values: object) -> str:
        """``prefix`` + ``one`` or ``other`` by the language's rule (French: 0 and 1 are
        singular): ``count("review.runs.", 4)``."""
        one = n <= 1 if self.lang == "fr" else n == 1
        return self(prefix + ("one" if one else "other"), n=n, **values)

    def join(self, items: list[str]) -> str:
        """``a, b et c``: the language's last ``and``."""
        if len(items) < 2:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self('review.and')} {items[-1]}"

    # ------------------------------------------------------------------ labels

    def _label(self, prefix: str, code: str) -> str:
        key = prefix + code
        return self(key) if self.has(key) else code.replace("_", " ")

    def phase(self, phase: PhaseName, sequence: int = 0, *, short: bool = False) -> str:
        if phase is PhaseName.FOLLOW_UP:
            key = "review.phase.follow_up_short" if short else "review.phase.follow_up"
            return self(key, n=sequence)
        return self(f"review.phase.{phase.value}")

    def role(self, role: str) -> str:
        """A playbook's role by its label; a role the catalogue does not know, in words."""
        return self._label("review.role.", role)

    def roles(self, roles: list[str]) -> str:
        return ", ".join(self.role(r) for r in roles)

    def person(self, name: str, roles: list[str]) -> str:
        return f"{name} ({self.roles(roles)})" if roles else name

    def channel(self, channel: Channel) -> str:
        return self(f"review.channel.{channel.value}")

    def action(self, action: DecisionAction) -> str:
        return self(f"review.action.{action.value}")

    def via(self, via: str) -> str:
        return self._label("review.via.", via) if via else "-"

    def signer(self, signer: Signer) -> str:
        """Through which front end, as whom it proved the person: « Slack, membre U0456 »,
        « ligne de commande, opérateur alice (clé k-…), motif : … »."""
        who = signer.identity.partition(":")[2]
        if signer.front is Front.CLI:
            said = self("review.signed_operator", operator=who, key=signer.key_id)
        else:
            said = self("review.signed", via=self.via(signer.front.value), identity=who)
        if signer.reason:
            said += self("review.signed_reason", reason=signer.reason)
        return said

    def update(self, name: str) -> str:
        """What a person asked of the crisis: ``revise`` -> ``révision``."""
        return self._label("review.update.", name)

    def rule(self, rule: str) -> str:
        """``R-PRIVACY`` -> ``données personnelles (R-PRIVACY)``: the id stays, for the audit."""
        key = f"review.rule.{rule}"
        return f"{self(key)} ({rule})" if self.has(key) else rule

    # ------------------------------------------------------------------ time

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def clock(self, moment: datetime, *, seconds: bool = False) -> str:
        """``14 h 43`` in French, ``14:43`` otherwise; with ``seconds``, to the second."""
        shown = self.local(moment)
        if self.lang == "fr":
            if seconds:
                return (
                    f"{shown.hour}{NBSP}h{NBSP}{shown.minute:02d}{NBSP}min{NBSP}"
                    f"{shown.second:02d}{NBSP}s"
                )
            return f"{shown.hour}{NBSP}h" + (f"{NBSP}{shown.minute:02d}" if shown.minute else "")
        return format_time(shown, "HH:mm:ss" if seconds else "HH:mm", locale=self.lang)

    def day(self, moment: datetime | date, *, long: bool = False) -> str:
        shown = self.local(moment).date() if isinstance(moment, datetime) else moment
        pattern = (LONG_DATE if long else SHORT_DATE)[self.lang]
        return format_date(shown, pattern, locale=self.lang).replace(" ", NBSP)

    def due(self, day: date) -> str:
        """A date with its year, without its weekday: ``31 déc. 2026``."""
        return format_date(day, YEAR_DATE[self.lang], locale=self.lang).replace(" ", NBSP)

    def when(self, moment: datetime | None, *, with_day: bool = True, seconds: bool = False) -> str:
        """A table cell's time: ``mer. 2 déc. 14 h 43``, or the time alone."""
        if moment is None:
            return "-"
        time = self.clock(moment, seconds=seconds)
        return f"{self.day(moment)}{NBSP}{time}" if with_day else time

    def at(self, moment: datetime, reference: datetime, *, seconds: bool = False) -> str:
        """In a sentence: ``à 15 h 13`` on the reference's day, ``le jeudi 3 décembre 2026 à
        9 h 10`` on another."""
        time = self.clock(moment, seconds=seconds)
        if self.local(moment).date() == self.local(reference).date():
            return self("review.at_time", time=time)
        return self("review.at_day", day=self.day(moment, long=True), time=time)

    def point(self, moment: datetime, reference: datetime, *, seconds: bool = False) -> str:
        """A moment without its preposition: ``15 h 43``, or ``jeudi 3 décembre 2026, 9 h 10``
        on another day than the reference's."""
        time = self.clock(moment, seconds=seconds)
        if self.local(moment).date() == self.local(reference).date():
            return time
        return f"{self.day(moment, long=True)}, {time}"

    def moment(self, moment: datetime, *, seconds: bool = False) -> str:
        """``le mercredi 2 décembre 2026 à 14 h 43``."""
        return self(
            "review.at_day",
            day=self.day(moment, long=True),
            time=self.clock(moment, seconds=seconds),
        )

    def duration(self, value: timedelta | None) -> str:
        """``2 h 05``; ``25 min``; ``45 s``; ``3 j 4 h``; ``-`` for none. No break inside."""
        if value is None:
            return "-"
        sign = "-" if value < timedelta(0) else ""
        seconds = int(abs(value).total_seconds())
        if seconds >= 600:  # past ten minutes, to the nearest minute
            seconds = (seconds + 30) // 60 * 60
        days, rest = divmod(seconds, 86400)
        hours, rest = divmod(rest, 3600)
        minutes, secs = divmod(rest, 60)
        if days:
            text = f"{days} {self('review.unit.day')}" + (f" {hours} h" if hours else "")
        elif hours:
            text = f"{hours} h" + (f" {minutes:02d}" if minutes else "")
        elif minutes:
            text = f"{minutes} min" + (f" {secs:02d} s" if minutes < 10 and secs else "")
        else:
            text = f"{secs} s"
        return sign + text.replace(" ", NBSP)
