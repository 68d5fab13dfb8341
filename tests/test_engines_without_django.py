"""The engines are plain Python: they import and work in a Python where Django cannot be imported.

docs/architecture.md promises it (a notebook, the import's parsing worker, another program use them
without Django); this test keeps the promise true. It runs a fresh Python in which ``import django``
and ``import rest_framework`` fail, imports every module of ``vigie.ENGINE_MODULES`` (and the test
data generators of ``vigie_testing``) and uses the engines a little: an estimate from two reports,
an ACLED export and a Vigie reports file read into events, a few reports linked into incidents.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import vigie

BLOCKED = ("django", "rest_framework")

SCRIPT = textwrap.dedent("""
    import importlib
    import importlib.abc
    import sys

    BLOCKED = {blocked!r}


    class NoDjango(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{{name}} is not installed here (the engines must not need it)")
            return None


    sys.meta_path.insert(0, NoDjango())
    for name in BLOCKED:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
        else:
            raise SystemExit(f"the blocker let {{name}} be imported")

    import vigie

    failed = []
    for module in vigie.ENGINE_MODULES:
        try:
            importlib.import_module(module)
        except ImportError as error:
            failed.append(f"{{module}}: {{error}}")
    if failed:
        raise SystemExit("engine modules that need Django:\\n" + "\\n".join(failed))

    # The generators of synthetic data for the tests and benchmarks (outside the runtime package)
    # need no Django either: the engine tests and benchmarks use them without it.
    import vigie_testing.acled_ucdp
    import vigie_testing.linkage_reports

    import datetime
    import tempfile
    from pathlib import Path

    from vigie.incidents.estimates import ReportEvidence, estimate
    from vigie.incidents.vocabulary import EventType, Grade
    from vigie.interop.pipeline import Tally, read_events
    from vigie.interop.registry import get_format
    from vigie.interop.tables import open_table
    from vigie.linkage.engine import LinkReport, link
    from vigie_testing import acled_ucdp as synthetic

    # An estimate from two independent reports: the lower median, the range, a grade.
    result = estimate([
        ReportEvidence({{"killed_best": 10}}, source="radio", reliability="B", credibility=2),
        ReportEvidence({{"killed_best": 14}}, source="ngo", reliability="C", credibility=2),
    ])
    assert (result.figures["killed_low"], result.figures["killed_best"], result.figures["killed_high"]) == (10, 10, 14)
    assert result.grade == Grade.CONFIRMED, result

    with tempfile.TemporaryDirectory() as folder:
        # ACLED's monadic form: two rows per two-sided event, merged by the format's own step.
        events = list(synthetic.acled_events(40, seed=5))
        monadic = Path(folder) / "monadic.csv"
        rows = synthetic.write_acled(monadic, events, form="monadic", seed=5)
        tally = Tally()
        read = [item for batch in read_events("acled", monadic, tally=tally, parallel=False) for item in batch]
        assert rows > len(events) and tally.rows_read == rows, (rows, tally)
        assert not tally.problems, tally.problems
        assert sorted(item.external_id for item in read) == sorted(event.event_id_cnty for event in events)

        # The Vigie reports CSV, through the registry.
        reports = Path(folder) / "reports.csv"
        reports.write_text(
            "report_id,source,event_date,location,event_type,killed\\n"
            "r1,Radio Kledu,2019-03-23,Ogossagou,violence against civilians,157\\n"
            "r2,OCHA,2019-03-24,Ogossagou,,160\\n",
            encoding="utf-8",
        )
        with open_table(reports) as table:
            read = list(get_format("reports").reader(table).records())
        assert [record.external_id for record in read] == ["r1", "r2"], read
        assert read[0].event_type == EventType.VIOLENCE_AGAINST_CIVILIANS and read[1].event_type == ""
        assert read[0].casualties["killed_best"] == 157

    # Linkage: two accounts of one massacre join; a battle far away stays apart.
    day = datetime.date(2019, 3, 23)
    linked = link([
        LinkReport("radio-1", "Radio Kledu", day, location="Ogossagou", perpetrator="Dan Na Ambassagou",
                   event_label="massacre", killed=157),
        LinkReport("ocha-1", "OCHA", day + datetime.timedelta(days=1), location="Ogossagou-Peul",
                   perpetrator="Dan Na Amassagou", event_label="attaque", killed=160),
        LinkReport("afp-1", "AFP", datetime.date(2020, 6, 1), location="Tessalit", perpetrator="JNIM",
                   event_label="battle", killed=4),
    ])
    assert linked.incident_of["radio-1"] == linked.incident_of["ocha-1"] != linked.incident_of["afp-1"], linked

    assert not [name for name in sys.modules if name.split(".")[0] in BLOCKED]
    print("engines ok")
""").format(blocked=BLOCKED)


def run_without_django() -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO")}
    source_root = str(Path(vigie.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([source_root, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300
    )


def test_the_engine_modules_are_listed_and_exist():
    assert len(vigie.ENGINE_MODULES) == len(set(vigie.ENGINE_MODULES))
    package = Path(vigie.__file__).resolve().parent
    for module in vigie.ENGINE_MODULES:
        path = package.joinpath(*module.split(".")[1:]).with_suffix(".py")
        assert path.is_file(), module


def test_the_engines_import_and_work_without_django():
    completed = run_without_django()
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.strip().endswith("engines ok")


def vocabularies():
    from vigie.actors import vocabulary as actors
    from vigie.core import vocabulary as core
    from vigie.incidents import vocabulary as incidents
    from vigie.places import vocabulary as places

    for module in (core, incidents, actors, places):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, core.Vocabulary)
                and value is not core.Vocabulary
            ):
                yield value


def test_the_django_choices_are_the_vocabulary_with_translated_labels():
    import importlib

    from babel.messages.pofile import read_po
    from django.utils import translation

    locale = Path(vigie.__file__).resolve().parent / "locale" / "fr" / "LC_MESSAGES"
    french = {}
    for path in sorted(locale.glob("*.po")):
        with open(path, "rb") as handle:
            french.update(
                {message.id: message.string for message in read_po(handle) if message.string}
            )
    words = list(vocabularies())
    assert {word.__name__ for word in words} >= {
        "Visibility",
        "EventType",
        "SubEventType",
        "ViolationType",
        "DatePrecision",
        "Grade",
        "ActorCategory",
        "ActorRole",
        "PlaceKind",
        "GeoPrecision",
    }
    for word in words:
        choices = getattr(
            importlib.import_module(word.__module__.replace(".vocabulary", ".choices")),
            word.__name__,
        )
        assert [member.name for member in choices] == [member.name for member in word]
        with translation.override("en"):
            assert [(value, str(label)) for value, label in choices.choices] == word.choices()
        untranslated = [member.label for member in word if member.label not in french]
        assert not untranslated, (
            f"{word.__name__}: add to src/vigie/locale/fr/LC_MESSAGES/django.po: {untranslated}"
        )
