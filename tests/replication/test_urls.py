"""Replica URLs and Litestream's generated config (no binary needed)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dualrole.replication import litestream, urls


def test_urls_are_checked_and_passwords_hidden(tmp_path: Path) -> None:
    assert urls.normalise(str(tmp_path / "rep")) == (tmp_path / "rep").as_uri()
    assert urls.normalise("s3://bucket/dualrole") == "s3://bucket/dualrole"
    for bad in ("", "ftp://host/x", "file://relative/x", "s3://bucket", "s3:///path"):
        with pytest.raises(urls.UrlError):
            urls.normalise(bad)
    assert urls.shown("sftp://me:secret@host:2222/p") == "sftp://me:***@host:2222/p"
    assert urls.s3_endpoint("s3://b/p?endpoint=http://127.0.0.1:9", {}) == "http://127.0.0.1:9"
    assert urls.s3_endpoint("s3://b/p", {"LITESTREAM_S3_ENDPOINT": "https://e"}) == "https://e"
    assert urls.s3_endpoint("s3://b/p", {}) is None


def test_config_names_one_workspace_and_no_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-in-the-config")
    monkeypatch.setenv("LITESTREAM_S3_ENDPOINT", "https://s3.example.org")
    text = litestream.config_text(tmp_path / "ws.db", "s3://bucket/p$HOME")
    assert '"s3://bucket/p$HOME"' in text and "not-in-the-config" not in text
    assert 'endpoint: "https://s3.example.org"' in text and "force-path-style: true" in text
    key = tmp_path / "key"
    sftp = litestream.config_text(tmp_path / "ws.db", f"sftp://me@host/p?key-path={key}")
    assert f'key-path: "{key}"' in sftp
    with litestream.config_file(tmp_path / "ws.db", "s3://bucket/p") as config:
        assert stat.S_ISFIFO(config.stat().st_mode)  # a pipe, never a file on disk
        assert '"s3://bucket/p"' in config.read_text()
    assert not config.exists()


@pytest.mark.parametrize(
    ("zone", "text"),
    [("Europe/Berlin", "0001-01-01 00:00"), ("America/New_York", "9999-12-31 23:59")],
)
def test_a_moment_at_the_edge_of_the_calendar_gets_a_sentence(
    zone: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from dualrole.replication.restore import parse_moment

    before = os.environ.get("TZ")
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        # The one date reader's sentence (not the library's "year 0 is out of range").
        with pytest.raises(ValueError, match="use a year from 1900 to 2200") as caught:
            parse_moment(text)
        assert "year 0" not in str(caught.value)
    finally:
        if before is None:
            monkeypatch.delenv("TZ")
        else:
            monkeypatch.setenv("TZ", before)
        time.tzset()
