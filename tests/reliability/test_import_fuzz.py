"""A seeded fuzz of the import (issue 14): a few hundred mutations of a valid document, each
imported through the command line. Every outcome is exit 0, or exit 2 with at most 20 problems,
each on one line at its place, in Frontdesk's words, and no file left behind. Bounded: a few
seconds, so it runs with every test run."""

from __future__ import annotations

import copy
import json
import random
import shutil
from datetime import date, datetime

import pytest

from desktop import cli
from desktop.services.exchange.document import read_document
from desktop.services.exchange.values import ImportProblems
from desktop.storage.database import open_database
from small_document import SMALL

MUTATIONS = 300
SEED = 14
STRANGE = [None, True, False, 0, -1, 2**63, 10**30, -(10**30), 1.5, float("nan"), "", " ",
           "x" * 5000, "\ud800", "a\nb", "2024-W01-1", "20270101", "0024-05-21", "2207-01-01",
           "2024-02-30", "1e-99999999", "1e999999999", "-0", "NaN", [], {}, [[[[]]]],
           {"a": [1, {"b": None}]}, [1, "two", None], "ada@example.org", "Hot desk", "Locker",
           "1", "INV-000001", "1 month", "99999 years", "plan", "addon"]
STRANGE_KEYS = ["bad\nkey", "\ud800", "", "id", "name", "__proto__", "x" * 300]
PYTHON_WORDS = ("Traceback", "Error", "object is not", "unhashable", "codec", "recursion",
                "int too large", "Exceeds the limit", "[SQL", "sqlalche.me", "NoneType",
                "not subscriptable", "not iterable", "argument", "<", "0x")


def _places(value, found: list) -> list:
    """Every (container, key) of the document, depth first."""
    if isinstance(value, dict):
        for key in list(value):
            found.append((value, key))
            _places(value[key], found)
    elif isinstance(value, list):
        for index in range(len(value)):
            found.append((value, index))
            _places(value[index], found)
    return found


def _mutate(rng: random.Random, doc: dict) -> None:
    places = _places(doc, [])
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        container, key = rng.choice(places)
        action = rng.random()
        if action < 0.55:
            container[key] = copy.deepcopy(rng.choice(STRANGE))
        elif action < 0.7:
            other_container, other_key = rng.choice(places)
            container[key] = copy.deepcopy(other_container[other_key])
        elif action < 0.8 and isinstance(container, dict):
            del container[key]
            return  # the places below it are gone
        elif action < 0.9 and isinstance(container, dict):
            container[rng.choice(STRANGE_KEYS)] = copy.deepcopy(rng.choice(STRANGE))
        elif isinstance(container, list):
            container.append(copy.deepcopy(container[key]))
        else:
            container[key] = [copy.deepcopy(container[key])] * rng.randint(2, 40)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """An empty database of the current schema, copied for each document that reads clean."""
    path = tmp_path_factory.mktemp("template") / "empty.sqlite3"
    open_database(str(path), now=datetime(2026, 1, 1)).dispose()
    return path


def _reads_clean(doc) -> bool:
    try:
        read_document(doc, date.today())
    except ImportProblems:
        return False
    return True


def test_a_few_hundred_mutations_exit_0_or_2_in_frontdesks_words(tmp_path, capsys, template,
                                                                  monkeypatch):
    monkeypatch.delenv(cli.ENVIRONMENT, raising=False)
    rng = random.Random(SEED)
    outcomes = {0: 0, 2: 0}
    for case in range(MUTATIONS):
        doc = copy.deepcopy(SMALL)
        _mutate(rng, doc)
        text = json.dumps(doc, ensure_ascii=False)
        source = tmp_path / f"case-{case}.json"
        source.write_text(text, encoding="utf-8", errors="surrogatepass")
        target = tmp_path / f"case-{case}.sqlite3"
        clean = _reads_clean(json.loads(text))
        if clean:  # it will be written: into a copy of an empty database, quick to open
            shutil.copyfile(template, target)
        try:
            code = cli.main(["import", str(source), "--db", str(target)])
        except SystemExit as exit_:
            code = exit_.code
        out, err = capsys.readouterr()
        lines = err.splitlines()
        assert code in (0, 2), (case, text[:300], err)
        outcomes[code] += 1
        assert not any(word in err for word in PYTHON_WORDS), (case, err)
        if code == 2:
            assert out == "" and 1 <= len(lines) <= 22, (case, err)
            assert all(line.strip() for line in lines), (case, err)
            assert clean or not target.exists(), (case, err)  # nothing created on a refusal
        for leftover in (source, target):
            leftover.unlink(missing_ok=True)
    assert outcomes[0] > 10 and outcomes[2] > 100, outcomes  # both paths were exercised
