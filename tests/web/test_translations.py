"""Every string of the web pages has its French translation (in web.po or another catalogue)."""

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po
from django.utils.translation.template import templatize

import vigie

PACKAGE = Path(vigie.__file__).resolve().parent
TEMPLATES = sorted(
    [
        *(PACKAGE / "web" / "templates" / "web").glob("*.html"),
        *(PACKAGE / "incidents" / "templates" / "incidents").glob("*.html"),
    ]
)
PYTHON = [
    *sorted((PACKAGE / "web" / "views").glob("*.py")),
    PACKAGE / "incidents" / "views.py",
    PACKAGE / "incidents" / "forms.py",
    PACKAGE / "incidents" / "geo.py",
    PACKAGE / "web" / "templatetags" / "vigie_web.py",
    PACKAGE / "incidents" / "filtersets.py",
]
KEYWORDS = {
    "gettext": None,
    "gettext_lazy": None,
    "_": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
}


def messages(source: str) -> set[str]:
    # Indentation means nothing to the messages, and templatize() keeps the template's own.
    source = "\n".join(line.lstrip() for line in source.splitlines())
    found = set()
    for _line, function, message, _comments in extract_python(
        io.BytesIO(source.encode()), KEYWORDS, [], {}
    ):
        if isinstance(message, str):
            found.add(message)
        else:  # the call's arguments: pgettext(context, message), ngettext(singular, plural, n)
            found.add(message[1] if function.startswith("pgettext") else message[0])
    return found


def french() -> dict[str, str]:
    catalogue = {}
    for path in sorted((PACKAGE / "locale" / "fr" / "LC_MESSAGES").glob("*.po")):
        with open(path, "rb") as handle:
            for message in read_po(handle):
                if message.id:
                    key = message.id if isinstance(message.id, str) else message.id[0]
                    translated = (
                        message.string if isinstance(message.string, str) else message.string[0]
                    )
                    if translated:
                        catalogue.setdefault(key, translated)
    return catalogue


def test_the_pages_have_strings_to_translate():
    assert len(TEMPLATES) >= 10
    assert "People killed per month" in messages(
        templatize((PACKAGE / "web/templates/web/dashboard.html").read_text())
    )


@pytest.mark.parametrize("path", TEMPLATES + PYTHON, ids=lambda path: path.name)
def test_every_string_is_translated_into_french(path):
    text = path.read_text(encoding="utf-8")
    found = messages(templatize(text) if path.suffix == ".html" else text)
    catalogue = french()
    missing = sorted(message for message in found if message and message not in catalogue)
    assert not missing, f"{path.name}: add to src/vigie/locale/fr/LC_MESSAGES/web.po: {missing}"


def test_web_po_is_a_valid_catalogue_with_plural_forms():
    with open(PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "web.po", "rb") as handle:
        catalogue = read_po(handle, locale="fr")
    assert catalogue.num_plurals == 2
    plurals = [message for message in catalogue if message.pluralizable]
    assert plurals and all(all(form for form in message.string) for message in plurals)
