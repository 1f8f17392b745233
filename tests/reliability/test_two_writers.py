"""Two processes editing the same prospect: no "database is locked", no silently lost edit."""

from __future__ import annotations

import subprocess
import sys

from dualrole.core.models import ProspectIn
from dualrole.services import sales
from dualrole.storage.db import open_store

from .faults import FULL

EDITS = 1000 if FULL else 250

EDITOR = """
import random, sys, time
from dualrole.storage.db import ConflictError, open_store
from dualrole.core.models import InteractionIn, ProspectIn
from dualrole.services import sales
path, tag, edits = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(tag)
done = conflicts = 0
errors = []
with open_store(path) as store:
    while done < edits:
        try:
            current = sales.get_prospect(store, 1)  # what the form shows
            time.sleep(rng.random() / 2000)         # the person types
            sales.update_prospect(store, 1, current.version, ProspectIn(
                name="Shared", notes=current.notes + tag))
            sales.log_interaction(store, InteractionIn(prospect_id=1, summary=tag))
            done += 1
        except ConflictError:
            conflicts += 1                          # offered to the person: reload, retry
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            done += 1
print(done, conflicts, len(errors), repr(errors[:3]))
"""


def test_two_processes_editing_one_prospect(tmp_path):
    path = tmp_path / "shared.db"
    with open_store(path) as store:
        sales.create_prospect(store, ProspectIn(name="Shared"))
    editors = [
        subprocess.Popen(
            [sys.executable, "-c", EDITOR, str(path), tag, str(EDITS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in "AB"
    ]
    reports = []
    for editor in editors:
        out, err = editor.communicate(timeout=300)
        assert editor.returncode == 0 and "Traceback" not in err, err
        done, conflicts, errors, sample = out.split(maxsplit=3)
        assert int(errors) == 0, sample  # never "database is locked", nor anything else
        reports.append((int(done), int(conflicts)))
    conflicts = sum(c for _d, c in reports)
    assert conflicts > 0, "two editors racing on one record never met a conflict"
    with open_store(path) as store:
        prospect = sales.get_prospect(store, 1)
        # every successful edit is there: none overwrote another silently
        assert sorted(prospect.notes) == sorted("A" * EDITS + "B" * EDITS)
        assert prospect.version == 1 + 2 * EDITS
        assert store.scalar("SELECT count(*) FROM interactions") == 2 * EDITS
        assert store.scalar("PRAGMA integrity_check") == "ok"
    print(f"two writers: {4 * EDITS} writes committed, {conflicts} conflicts detected")
