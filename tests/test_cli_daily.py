"""The daily commands end to end: click's CliRunner for each command, and a real ``python -m
dualrole`` for what a shell sees (exit codes, one-sentence errors, pipes, completion)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dualrole.cli.main import cli
from dualrole.core.models import FollowUpIn, ProspectIn
from dualrole.services import sales
from dualrole.services.resolve import AmbiguousProspect, UnknownProspect
from dualrole.storage.db import StorageError, open_store


def invoke(path: Path, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, ["--db", str(path), *args], env=env)


def ok(path: Path, *args: str) -> str:
    result = invoke(path, *args)
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def shell(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "dualrole", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    message = result.stderr.strip()
    assert message.startswith("Error: ") and "\n" not in message, message
    return message


def rows(path: Path) -> dict[str, int]:
    with open_store(path, create=False) as store:
        return {
            table: int(store.scalar(f"SELECT count(*) FROM {table}"))
            for table in ("prospects", "interactions", "followups", "research_notes")
        }


@pytest.fixture
def work(db_path: Path) -> Path:
    quill = ["--email", "m.quill@example.org", "--company", "Quill & Sons"]
    ok(db_path, "add", "Margaretha Quill", *quill, "--source", "referral", "--value", "2400")
    ok(db_path, "add", "José García", "--email", "jg@example.org")
    ok(db_path, "add", "Ann Lee")
    ok(db_path, "add", "Ann Leeds")
    return db_path


def test_add_echoes_and_refuses_a_known_email(db_path):
    out = ok(db_path, "add", "Zed Quinn", "--stage", "qualified", "--value", "1,200.50")
    assert out == "Added #1 Zed Quinn (qualified, €1,200.50).\n"
    ok(db_path, "add", "Z", "--email", "z@example.org")
    again = invoke(db_path, "add", "Other", "--email", "Z@example.org")
    assert isinstance(again.exception, StorageError)
    assert "is already prospect #2" in str(again.exception)
    bad = invoke(db_path, "add", "Y", "--email", "nope", "--value", "5k")
    assert str(bad.exception) == (
        "email is not an email address; expected something like name@example.com; "
        "value '5k': write the full amount, e.g. 5000 rather than 5k"
    )  # the app's own messages, field by field
    assert rows(db_path)["prospects"] == 2


def test_the_working_day(work):
    out = ok(work, "log", "quill", "Call about pricing", "--when", "yesterday 15:00",
             "--outcome", "Too expensive for Q4", "--feedback")  # fmt: skip
    assert out == (
        "Logged call with Margaretha Quill on Thu 19 Nov 2026 15:00 (interaction #1).\n"
        "Filed for marketing as feedback research note #1.\n"
    )
    out = ok(work, "follow-up", "m.quill@example.org", "Send proposal", "--due", "next tue",
             "--at", "14:30", "--repeat", "2w")  # fmt: skip
    assert out == (
        "Follow-up f1 with Margaretha Quill: Send proposal, due Tue 24 Nov 2026 at 14:30, "
        "repeats every 2 weeks.\n"
    )
    ok(work, "follow-up", "jose garcia", "Check in", "--due", "-2d")
    out = ok(work, "today")
    assert out.splitlines() == [
        "Fri 20 Nov 2026: 1 overdue, 0 due today",
        "overdue",
        "  f2  José García — Check in  (2d late)",
    ]
    assert ok(work, "today", "--short") == "1 overdue\n"
    doc = json.loads(ok(work, "today", "--format", "json"))
    assert doc["format"] == "dualrole-today" and doc["version"] == 1
    assert doc["items"] == [
        {"id": "f2", "role": "sales", "kind": "followup", "title": "Check in",
         "prospect": {"id": 2, "name": "José García"}, "due": "2026-11-18", "time": None,
         "overdue_days": 2}
    ]  # fmt: skip
    assert ok(work, "snooze", "f2", "tomorrow") == "Snoozed f2 Check in to Sat 21 Nov 2026.\n"
    assert ok(work, "today", "--short") == "nothing due\n"
    assert ok(work, "done", "f1") == (
        "Done: f1 Send proposal (Margaretha Quill).\nNext: f3 due Tue 8 Dec 2026 (it repeats).\n"
    )
    out = ok(work, "stage", "quill", "won", "--value", "9600")
    assert out == "Margaretha Quill (#1): lead → won, value €9,600.\n"
    out = ok(work, "stage", "leeds", "lost", "--reason", "price")
    assert out == "Ann Leeds (#4): lead → lost, reason: price.\n"
    shown = ok(work, "show", "quill")
    assert "f3  due Tue 8 Dec 2026 14:30  Send proposal" in shown
    assert "Thu 19 Nov 2026 15:00  call  Call about pricing" in shown
    assert ok(work, "find", "ann").splitlines() == ["#3  Ann Lee · lead", "#4  Ann Leeds · lost"]


def test_ambiguous_and_unknown_prospects_write_nothing(work):
    before = rows(work)
    result = invoke(work, "log", "ann", "Call")
    assert isinstance(result.exception, AmbiguousProspect)
    assert "#3  Ann Lee · lead" in str(result.exception)
    result = invoke(work, "follow-up", "zed", "Call")
    assert isinstance(result.exception, UnknownProspect)
    assert rows(work) == before
    assert "Ann Lee" in ok(work, "log", "#3", "Call")  # the listed id works in its place


def test_bad_input_is_one_sentence_and_nothing_is_written(work):
    before = rows(work)
    for args, message in [
        (("follow-up", "quill", "x", "--due", "soonish"), "--due: 'soonish' is not a date; try"),
        (("log", "quill", "x", "--when", "tomorrow 25:00"), "--when: '25:00' is not a time"),
        (("follow-up", "quill", "x", "--repeat", "monthly"), "--repeat: 'monthly' is not a"),
        (("log", "quill", "x", "--kind", "fax"), "kind must be one of 'call', 'email'"),
        (("stage", "quill", "lost"), "reason: say why the deal was lost"),
        (("stage", "quill", "wom"), "'wom' is not a stage; use one of lead"),
        (("snooze", "f99", "tomorrow"), "That follow-up no longer exists"),
        (("snooze", "12", "tomorrow"), "'12' is not an item id; use f12"),
        (("done", "t5"), "That marketing task no longer exists"),
    ]:
        result = invoke(work, *args)
        assert result.exit_code != 0
        assert message in str(result.exception), (args, result.exception)
    assert rows(work) == before


def test_control_characters_are_shown_visibly(db_path):
    refused = invoke(db_path, "add", "Evil \x1b[2J\x07Name")
    assert refused.exit_code != 0 and "\x1b" not in refused.output
    assert str(refused.exception) == "name contains a control character (U+001B); remove it"
    # An older release kept such names and titles; they are still shown visibly.
    with open_store(db_path) as store:
        evil = ProspectIn(name="Evil").model_copy(update={"name": "Evil \x1b[2J\x07Name"})
        prospect = sales.create_prospect(store, evil)
        ring = FollowUpIn(prospect_id=prospect.id, title="Ring", due_date="today")
        sales.create_followup(store, ring.model_copy(update={"title": "Ring \x9b1m"}))
    for args in (("today",), ("today", "--format", "json"), ("show", "1"), ("find", "evil")):
        out = ok(db_path, *args)
        assert not any(ch in out for ch in "\x1b\x07\x9b"), (args, out)
    assert (
        json.loads(ok(db_path, "today", "--format", "json"))["items"][0]["title"] == "Ring \x9b1m"
    )


def test_colour_only_when_asked_or_on_a_terminal(work):
    ok(work, "follow-up", "quill", "Call", "--due", "today")
    assert "\x1b[" not in ok(work, "today")  # CliRunner is not a terminal
    coloured = invoke(work, "today", "--color", "always", env={"NO_COLOR": ""})
    assert "\x1b[38;5;208mf1" in coloured.output


# --- a real process, as a shell runs it --------------------------------------------------


def test_a_shell_session(work):
    db = ["--db", str(work)]
    logged = shell(*db, "log", "garcia", "Intro call", "--kind", "meeting")
    assert logged.returncode == 0 and "Logged meeting with José García" in logged.stdout
    ambiguous = shell(*db, "log", "ann", "Call")
    assert ambiguous.returncode == 1
    assert ambiguous.stderr.startswith("Error: 'ann' matches 2 prospects; nothing was changed")
    assert "#4  Ann Leeds · lead" in ambiguous.stderr
    # One candidate a line, as the README shows, never folded into one line with "⏎".
    assert "\n  #4  Ann Leeds · lead" in ambiguous.stderr and "⏎" not in ambiguous.stderr
    unknown = shell(*db, "stage", "zed", "won")
    assert "No prospect matches 'zed'" in one_sentence(unknown)
    bad_date = shell(*db, "follow-up", "quill", "x", "--due", "someday")
    assert bad_date.returncode == 2
    assert "is not a date; try today, tomorrow" in one_sentence(bad_date)
    shell(*db, "follow-up", "quill", "Send proposal", "--due", "today", "--at", "3pm")
    piped = shell(*db, "today")  # stdout is a pipe: no colour
    assert piped.returncode == 0 and "\x1b" not in piped.stdout
    assert "f1  Margaretha Quill — Send proposal · 15:00  (today)" in piped.stdout
    doc = json.loads(shell(*db, "today", "--format", "json").stdout)
    assert doc["counts"]["today"] == 1 and doc["items"][0]["time"] == "15:00"
    assert rows(work)["interactions"] == 1


def test_works_while_the_app_holds_the_file_open(work):
    """A Store holding the file (as the open app does) with a read in progress: the CLI
    writes (WAL: readers never block a writer), and the holder sees the change next read."""
    from dualrole.services.today import agenda

    with open_store(work) as app_store:
        assert agenda(app_store).sales_today == []
        app_store.conn.execute("BEGIN")  # a read transaction left open, as a long query
        app_store.conn.execute("SELECT count(*) FROM prospects").fetchone()
        done = shell("--db", str(work), "follow-up", "quill", "Call back", "--due", "today")
        assert done.returncode == 0, done.stderr
        app_store.conn.execute("COMMIT")
        assert [i.title for i in agenda(app_store).sales_today] == ["Call back"]


def complete(shell_name: str, words: str, cword: int) -> str:
    """What the installed ``dualrole`` answers a shell's completion request."""
    script = Path(sys.executable).with_name("dualrole")
    env = {**os.environ, "_DUALROLE_COMPLETE": f"{shell_name}_complete",
           "COMP_WORDS": words, "COMP_CWORD": str(cword)}  # fmt: skip
    result = subprocess.run([str(script)], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0 and not result.stderr, result.stderr
    return result.stdout


def test_completion_offers_prospect_names(work):
    out = complete("bash", f"dualrole --db {work} log ann", 4)
    assert out.splitlines() == ["plain,Ann Lee", "plain,Ann Leeds"]
    out = complete("zsh", f"dualrole --db {work} follow-up qu", 4)
    assert out.splitlines()[:3] == ["plain", "Margaretha Quill", "Quill & Sons"]
    assert "plain,add" in complete("bash", "dualrole ad", 1)
    for name in ("bash", "zsh", "fish"):
        script = shell("completion", name)
        assert script.returncode == 0 and "_DUALROLE_COMPLETE" in script.stdout
