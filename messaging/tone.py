"""The tone guide: phrases that anger families, and what to say instead.

From the agency's customer-service training ("Helpful reminders for polite and friendly
responses"). The list is rows an administrator edits, in English and Spanish. The same
matching runs in the browser as staff type (static/js/tone.js) and here on the server,
so that the hint does not depend on JavaScript. It never blocks a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import TonePhrase

# Typed apostrophes and quotes differ between keyboards; compare them as one.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def normalise(text: str) -> str:
    return text.translate(_APOSTROPHES).casefold()


@dataclass(frozen=True)
class Flag:
    phrase: str
    alternative: str


def pattern_source(phrase: str, *, for_browser: bool = False) -> str:
    """The regular expression for one phrase: whole words, any spacing, any case.

    A short one-word phrase ("No") is flagged only when it is said on its own, as in "No." or
    "No, we can't", and not inside "there is no record": the training means the refusal.
    ``for_browser`` spells word characters the way JavaScript's Unicode regexps need.
    """
    word = r"[\p{L}\p{N}_']" if for_browser else r"[\w']"
    words = [re.escape(w) for w in normalise(phrase).strip(" .!?¡¿\"'…").split()]
    body = r"\s+".join(words)
    if len(words) == 1 and len(words[0]) <= 3:
        return r"(?:^|(?<=[.!?¡¿\n]))\s*" + body + r"(?=\s*(?:[.,;:!?]|$))"
    return rf"(?<!{word})" + body + rf"(?!{word})"


def tone_guide(language: str) -> list[Flag]:
    return [
        Flag(phrase, alternative)
        for phrase, alternative in TonePhrase.objects.filter(active=True, language=language).values_list("phrase", "alternative")
    ]


def flag_phrases(text: str, *, language: str, guide: list[Flag] | None = None) -> list[Flag]:
    text = normalise(text)
    guide = tone_guide(language) if guide is None else guide
    return [flag for flag in guide if re.search(pattern_source(flag.phrase), text, re.MULTILINE)]
