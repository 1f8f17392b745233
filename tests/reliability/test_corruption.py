"""A corrupted file: `dualrole check` says so and points to the latest backup."""

from __future__ import annotations

import random

from .faults import one_sentence, run_cli

PAGE = 4096


def test_check_reports_corruption_and_the_latest_backup(tmp_path):
    path = tmp_path / "work.db"
    assert run_cli("--db", str(path), "demo", "--no-open", "--seed", "1").returncode == 0
    made = run_cli("--db", str(path), "backup")
    assert made.returncode == 0
    backup = made.stdout.strip().removeprefix("Backed up to ").removesuffix(".")
    assert run_cli("--db", str(path), "check").returncode == 0

    data = bytearray(path.read_bytes())
    pages = len(data) // PAGE
    assert pages > 20
    rng = random.Random(5)
    for page in range(pages // 2, pages // 2 + 4):  # pages in the middle
        data[page * PAGE : (page + 1) * PAGE] = rng.randbytes(PAGE)
    path.write_bytes(bytes(data))

    result = run_cli("--db", str(path), "check")
    assert result.returncode != 0
    message = one_sentence(result)
    assert "is damaged" in message and "dualrole restore" in message
    assert f"The latest backup is {backup}" in message

    restored = run_cli("--db", str(path), "restore", backup, "--yes")
    assert restored.returncode == 0, restored.stderr
    assert run_cli("--db", str(path), "check").returncode == 0


def test_check_without_backups_says_so(tmp_path):
    path = tmp_path / "work.db"
    assert run_cli("--db", str(path), "demo", "--no-open").returncode == 0
    data = bytearray(path.read_bytes())
    middle = len(data) // PAGE // 2
    data[middle * PAGE : (middle + 2) * PAGE] = b"\xff" * (2 * PAGE)
    path.write_bytes(bytes(data))
    message = one_sentence(run_cli("--db", str(path), "check"))
    assert "damaged" in message and "No automatic backup exists yet." in message
