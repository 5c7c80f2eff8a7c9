"""The Spanish catalogue: complete, current, compiled, and actually used by the pages.

Rebuilding the catalogue (what these tests check against):

    .venv/bin/python manage.py makemessages -l es --ignore=.venv --ignore=.tools --ignore=var \
        --ignore=staticfiles --ignore=test-artifacts --ignore=tests --ignore=bench --no-obsolete
    # translate every new entry in locale/es/LC_MESSAGES/django.po, remove "#, fuzzy"
    .venv/bin/python manage.py compilemessages -l es --ignore=.venv

Commit both django.po and django.mo: the portal reads the .mo and must run without gettext.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

BASE_DIR = Path(settings.BASE_DIR)
PO_PATH = BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"

# What makemessages must not scan: tools, virtualenvs, generated files, tests and benchmarks.
# The same list as in the command above; directories whose names start with "." are skipped by default.
MAKEMESSAGES_IGNORE = [".venv", ".tools", "var", "staticfiles", "test-artifacts", "tests", "bench"]
SOURCE_SUFFIXES = {".py", ".html", ".txt"}  # makemessages' defaults for the "django" domain


# --- A small .po reader (enough for the files GNU gettext writes) ----------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$')
_CONTINUATION = re.compile(r'^"(.*)"\s*$')


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], "\\" + m[1]), text)


@dataclass
class PoEntry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    def is_translated(self, nplurals: int) -> bool:
        expected = range(nplurals) if self.msgid_plural is not None else range(1)
        return all(self.msgstr.get(index) for index in expected)

    def describe(self) -> str:
        where = f"  ({', '.join(self.references)})" if self.references else ""
        context = f"[{self.msgctxt}] " if self.msgctxt else ""
        plural = f" / {self.msgid_plural!r}" if self.msgid_plural is not None else ""
        return f"{context}{self.msgid!r}{plural}{where}"


def parse_po(text: str) -> list[PoEntry]:
    """Entries of a .po or .pot file, the header (msgid "") included, in file order."""
    entries: list[PoEntry] = []
    entry = PoEntry()
    started = False
    target: tuple[str, int | None] | None = None

    def finish():
        nonlocal entry, started, target
        if started:
            entries.append(entry)
        entry, started, target = PoEntry(), False, None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):  # a previous msgid of an obsolete fuzzy entry
                continue
        elif line.startswith("#"):
            if started and target is not None:  # comments start a new entry
                finish()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            elif line.startswith("#:"):
                entry.references.extend(line[2:].split())
            continue
        keyword = _KEYWORD.match(line)
        if keyword:
            name, index, value = keyword[1], keyword[2], _unescape(keyword[3])
            if name in ("msgctxt", "msgid") and target is not None and target[0].startswith("msgstr"):
                finish()  # entries not separated by a blank line
            started = True
            entry.obsolete = entry.obsolete or obsolete
            if name.startswith("msgstr"):
                target = ("msgstr", int(index) if index is not None else 0)
                entry.msgstr[target[1]] = value
            else:
                target = (name, None)
                setattr(entry, name, value)
            continue
        continuation = _CONTINUATION.match(line)
        if continuation and target is not None:
            value = _unescape(continuation[1])
            if target[0] == "msgstr":
                entry.msgstr[target[1]] += value
            else:
                setattr(entry, target[0], getattr(entry, target[0]) + value)
            continue
        raise ValueError(f"Cannot read this .po line: {raw!r}")
    finish()
    return entries


def read_po(path: Path) -> tuple[dict[str, str], list[PoEntry]]:
    """The header fields and the live (non-obsolete) messages of a catalogue."""
    entries = parse_po(path.read_text(encoding="utf-8"))
    header: dict[str, str] = {}
    messages = []
    for entry in entries:
        if entry.obsolete:
            continue
        if entry.msgid == "" and entry.msgctxt is None:
            for line in entry.msgstr.get(0, "").splitlines():
                name, _, value = line.partition(":")
                header[name.strip()] = value.strip()
            header["#fuzzy"] = "yes" if entry.fuzzy else ""
            continue
        messages.append(entry)
    return header, messages


def nplurals_of(header: dict[str, str]) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", header.get("Plural-Forms", ""))
    return int(match[1]) if match else 1


_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def placeholders(text: str) -> list[str]:
    """Python %-format placeholders, "%%" left out, sorted so the order may change in translation."""
    return sorted(match[0] for match in _PLACEHOLDER.finditer(text) if match[0] != "%%")


def _listing(entries, limit: int = 60) -> str:
    lines = [f"  - {entry.describe()}" for entry in entries[:limit]]
    if len(entries) > limit:
        lines.append(f"  … and {len(entries) - limit} more")
    return "\n".join(lines)


def _require_gettext_tools():
    missing = [tool for tool in ("xgettext", "msgmerge", "msguniq", "msgfmt") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"GNU gettext is needed for the translation checks ({', '.join(missing)} missing): "
                    "sudo apt-get install -y gettext  (or `make system-packages`)")


# --- (a) The committed catalogue is complete -------------------------------------------


def test_spanish_catalogue_has_the_agreed_plural_rule_and_no_fuzzy_header():
    header, _messages = read_po(PO_PATH)
    assert header.get("Language") == "es"
    assert header.get("Plural-Forms", "").replace(" ", "") == PLURAL_FORMS.replace(" ", "")
    assert header.get("Content-Type") == "text/plain; charset=UTF-8"
    assert not header["#fuzzy"], "Remove the '#, fuzzy' flag from the header of django.po."


def test_every_spanish_entry_is_translated_and_none_is_fuzzy():
    header, messages = read_po(PO_PATH)
    nplurals = nplurals_of(header)
    assert messages, f"{PO_PATH} has no messages."
    untranslated = [entry for entry in messages if not entry.is_translated(nplurals)]
    fuzzy = [entry for entry in messages if entry.fuzzy]
    assert not untranslated, f"{len(untranslated)} entries of {PO_PATH.name} have no Spanish yet:\n{_listing(untranslated)}"
    assert not fuzzy, (
        f"{len(fuzzy)} entries are marked fuzzy (gettext guessed them; check each translation, "
        f"then delete its '#, fuzzy' line):\n{_listing(fuzzy)}"
    )


def test_translations_keep_every_placeholder():
    _header, messages = read_po(PO_PATH)
    broken = []
    for entry in messages:
        if "python-format" not in entry.flags:
            continue
        expected = placeholders(entry.msgid_plural if entry.msgid_plural is not None else entry.msgid)
        if entry.msgid_plural is not None:
            expected = sorted(set(expected) | set(placeholders(entry.msgid)))
        for index, text in entry.msgstr.items():
            if text and sorted(set(placeholders(text))) != sorted(set(expected)):
                broken.append(f"  - {entry.describe()}\n    msgstr[{index}] = {text!r}: needs {expected}")
    assert not broken, "These translations lost or added a placeholder:\n" + "\n".join(broken)


# --- (b) The catalogue is current: every string in the code is in it, translated ------------


def _copy_scanned_sources(destination: Path) -> None:
    """Copy what makemessages would scan, so it can run without writing into the source tree.

    makemessages writes a scratch "<template>.py" beside every template it reads; a copy keeps
    parallel runs and interrupted tests from leaving those behind in the working tree.
    """

    def ignored(directory: str, names: list[str]) -> set[str]:
        skip = set()
        for name in names:
            path = Path(directory) / name
            if path.is_dir():
                if name in MAKEMESSAGES_IGNORE or name.startswith(".") or name in {"locale", "__pycache__", "node_modules"}:
                    skip.add(name)
            elif path.suffix not in SOURCE_SUFFIXES or name.endswith((".html.py", ".txt.py")) or name.startswith("."):
                skip.add(name)
        return skip

    shutil.copytree(BASE_DIR, destination, ignore=ignored, symlinks=False)


@pytest.fixture(scope="module")
def strings_in_code(tmp_path_factory) -> list[PoEntry]:
    """Every msgid the project's own code marks for translation, found by makemessages itself."""
    _require_gettext_tools()
    work = tmp_path_factory.mktemp("makemessages")
    source, out = work / "source", work / "locale"
    _copy_scanned_sources(source)
    out.mkdir()
    previous = Path.cwd()
    try:
        os.chdir(source)
        with override_settings(LOCALE_PATHS=[str(out)]):
            call_command(
                "makemessages",
                locale=["es"],
                ignore_patterns=list(MAKEMESSAGES_IGNORE),
                no_obsolete=True,
                keep_pot=True,
                verbosity=0,
            )
    finally:
        os.chdir(previous)
    pot = out / "django.pot"
    assert pot.exists(), "makemessages wrote no django.pot"
    _header, messages = read_po(pot)
    assert len(messages) > 50, f"makemessages found only {len(messages)} strings; is the copy of the sources complete?"
    return messages


def test_every_string_in_the_code_has_a_spanish_translation(strings_in_code):
    header, committed = read_po(PO_PATH)
    nplurals = nplurals_of(header)
    translated = {entry.key: entry for entry in committed if entry.is_translated(nplurals) and not entry.fuzzy}
    missing = []
    for entry in strings_in_code:
        found = translated.get(entry.key)
        if found is None or found.msgid_plural != entry.msgid_plural:
            missing.append(entry)
    assert not missing, (
        f"{len(missing)} strings in the code have no Spanish translation in {PO_PATH.relative_to(BASE_DIR)}.\n"
        "Run makemessages (see the top of tests/test_translations.py), translate these, then compilemessages:\n"
        f"{_listing(missing)}"
    )


def test_the_catalogue_has_no_strings_the_code_no_longer_uses(strings_in_code):
    in_code = {entry.key for entry in strings_in_code}
    _header, committed = read_po(PO_PATH)
    stale = [entry for entry in committed if entry.key not in in_code]
    assert not stale, (
        f"{len(stale)} entries of django.po are no longer in the code; "
        f"run makemessages with --no-obsolete to drop them:\n{_listing(stale)}"
    )


# --- (c) The committed .mo is compiled from the committed .po --------------------------------


def _load_mo(path: Path) -> gettext.GNUTranslations:
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def test_the_committed_mo_is_compiled_from_the_current_po(tmp_path):
    _require_gettext_tools()
    assert MO_PATH.exists(), f"{MO_PATH.relative_to(BASE_DIR)} is missing: run compilemessages and commit it."
    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "-o", str(fresh), str(PO_PATH)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, f"msgfmt rejects django.po:\n{result.stderr}"
    committed, rebuilt = _load_mo(MO_PATH), _load_mo(fresh)
    # Compare the translations, not the header: makemessages rewrites POT-Creation-Date on every run.
    old = {key: value for key, value in committed._catalog.items() if key != ""}
    new = {key: value for key, value in rebuilt._catalog.items() if key != ""}
    differing = sorted({str(key) for key in old.keys() ^ new.keys()} | {str(key) for key in old.keys() & new.keys() if old[key] != new[key]})
    assert not differing, (
        f"django.mo is out of date with django.po for {len(differing)} messages; run "
        "`.venv/bin/python manage.py compilemessages -l es --ignore=.venv` and commit django.mo:\n"
        + "\n".join(f"  - {key}" for key in differing[:40])
    )
    assert committed._info.get("plural-forms") == rebuilt._info.get("plural-forms")
    assert committed.info().get("language") == "es"


# --- (d) Spanish readers see Spanish -------------------------------------------------------------


@pytest.mark.django_db
def test_the_sign_in_page_is_in_spanish_for_a_spanish_browser(client):
    spanish = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es">' in spanish
    # Our base template: the title, the brand and the skip link. Django's admin catalogue also
    # translates "Skip to main content", so the portal's name is what proves ours is loaded.
    assert "Portal de familias de recursos</title>" in spanish
    assert "Saltar al contenido principal" in spanish
    assert "Skip to main content" not in spanish and "Resource family portal" not in spanish
    english = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Skip to main content" in english and "Saltar al contenido principal" not in english


@pytest.mark.django_db
def test_a_spanish_speaking_family_reads_its_home_page_in_spanish(client, resource_parent):
    resource_parent.language = "es"
    resource_parent.save(update_fields=["language"])
    client.force_login(resource_parent)
    page = client.get(reverse("followups:family_home")).content.decode()
    assert '<html lang="es">' in page
    assert "Lo que le debemos" in page
    assert "What we owe you" not in page


def test_spanish_plurals_follow_the_catalogue_rule():
    singular, plural = "%(counter)s open promise, soonest first.", "%(counter)s open promises, soonest first."
    with translation.override("es"):
        one = translation.ngettext(singular, plural, 1) % {"counter": 1}
        none = translation.ngettext(singular, plural, 0) % {"counter": 0}
        many = translation.ngettext(singular, plural, 3) % {"counter": 3}
    assert one.startswith("1 compromiso pendiente")
    assert none.startswith("0 compromisos pendientes")
    assert many.startswith("3 compromisos pendientes")
