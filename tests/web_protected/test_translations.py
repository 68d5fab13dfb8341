"""Every string of the pages of cases, evidence and victims has its French translation."""

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
        *(PACKAGE / "cases" / "templates" / "cases").glob("*.html"),
        *(PACKAGE / "evidence" / "templates" / "evidence").glob("*.html"),
        *(PACKAGE / "victims" / "templates" / "victims").glob("*.html"),
    ]
)
PYTHON = [
    PACKAGE / "cases" / "views.py",
    PACKAGE / "cases" / "forms.py",
    PACKAGE / "evidence" / "views.py",
    PACKAGE / "victims" / "views.py",
    PACKAGE / "victims" / "forms.py",
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
OWN = PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "pages_protected.po"


def messages(source: str) -> set[str]:
    source = "\n".join(line.lstrip() for line in source.splitlines())
    return {
        message if isinstance(message, str) else message[0]
        for _line, _function, message, _comments in extract_python(
            io.BytesIO(source.encode()), KEYWORDS, [], {}
        )
    }


def french() -> dict[str, object]:
    catalogue = {}
    for path in sorted(OWN.parent.glob("*.po")):
        with open(path, "rb") as handle:
            for message in read_po(handle, locale="fr"):
                key = message.id if isinstance(message.id, str) else message.id[0]
                if key and (
                    message.string if isinstance(message.string, str) else all(message.string)
                ):
                    catalogue.setdefault(key, message.string)
    return catalogue


def test_the_pages_have_strings_to_translate():
    assert len(TEMPLATES) >= 20
    assert "Why do you open this record?" in messages(
        templatize((PACKAGE / "victims/templates/victims/_purpose_form.html").read_text())
    )


@pytest.mark.parametrize(
    "path", TEMPLATES + PYTHON, ids=lambda path: f"{path.parent.name}/{path.name}"
)
def test_every_string_is_translated_into_french(path):
    text = path.read_text(encoding="utf-8")
    found = messages(templatize(text) if path.suffix == ".html" else text)
    catalogue = french()
    missing = sorted(message for message in found if message and message not in catalogue)
    assert not missing, f"{path.name}: add to {OWN.name}: {missing}"


def test_the_catalogue_is_valid_with_both_plural_forms():
    with open(OWN, "rb") as handle:
        catalogue = read_po(handle, locale="fr")
    assert catalogue.num_plurals == 2
    plurals = [message for message in catalogue if message.pluralizable]
    assert plurals and all(all(form for form in message.string) for message in plurals)
    # Placeholders survive translation (a missing one would raise at run time).
    import re

    for message in catalogue:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        wanted = set(re.findall(r"%\((\w+)\)", ids[-1]))
        for string in strings:
            assert set(re.findall(r"%\((\w+)\)", string)) == wanted, message.id
