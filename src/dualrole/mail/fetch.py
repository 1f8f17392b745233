"""``dualrole mail fetch``: read every source's named folders and record what is new.

Each batch a reader yields is parsed and recorded with the folder's new position in one
transaction (:func:`dualrole.services.mail.record_batch`), so a fetch stopped at any point
keeps what it recorded and goes on from there next time. The password comes from
:func:`password_for` each time; it is never stored or printed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from dualrole.mail.parsing import parse_message
from dualrole.mail.sources import (
    Batch,
    ImapSession,
    MailError,
    SourceUrl,
    parse_source,
    read_maildir,
    read_mbox,
)
from dualrole.services.mail import (
    FULL_BODY,
    MailSource,
    Tally,
    folder_state,
    record_batch,
    sources,
)
from dualrole.services.mail_triage import release_known
from dualrole.services.settings import get_setting
from dualrole.storage.db import Store

PASSWORD_ENV = "DUALROLE_MAIL_PASSWORD"
KEYRING_SERVICE = "dualrole-mail"
Prompt = Callable[[str], str]


@dataclass
class FetchReport:
    tally: Tally = field(default_factory=Tally)
    problems: list[str] = field(default_factory=list)


def password_for(url: SourceUrl, prompt: Prompt | None = None) -> str:
    """``DUALROLE_MAIL_PASSWORD``, else the keyring , else a prompt."""
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    account = f"{url.user}@{url.host}"
    try:
        import keyring

        stored = keyring.get_password(KEYRING_SERVICE, account)
        if stored:
            return str(stored)
    except Exception:  # no keyring, or no backend on this machine
        pass
    if prompt is None:
        raise MailError(
            f"No password for {account}: set {PASSWORD_ENV}, store it in the keyring "
            f"(service {KEYRING_SERVICE!r}), or run the command on a terminal to be asked."
        )
    return prompt(f"Password for {account}")


def source_folders(source: MailSource, url: SourceUrl) -> list[str]:
    """The folders named for a source: the URL's own and those given with --folder."""
    named = [url.folder] if url.is_imap and url.folder else []
    named += [folder for folder in source.folders if folder not in named]
    if not named and not url.is_imap:
        named = [""]  # a Maildir or mbox path names one folder itself
    return named


def fetch_all(
    store: Store,
    *,
    prompt: Prompt | None = None,
    only: str | None = None,
    cafile: str | None = None,
    on_batch: Callable[[str, Tally], None] | None = None,
) -> FetchReport:
    """Fetch every source (or the one whose URL is ``only``); a failing source is reported
    as one sentence and the others still run."""
    report = FetchReport()
    for source in sources(store):
        if only is not None and source.url != only:
            continue
        try:
            fetch_source(
                store, source, prompt=prompt, cafile=cafile, on_batch=on_batch, tally=report.tally
            )
        except MailError as exc:
            report.problems.append(str(exc))
    release_known(store)
    return report


def fetch_source(
    store: Store,
    source: MailSource,
    *,
    tally: Tally,
    prompt: Prompt | None = None,
    cafile: str | None = None,
    on_batch: Callable[[str, Tally], None] | None = None,
) -> None:
    url = parse_source(source.url)
    folders = source_folders(source, url)
    if not folders:
        raise MailError(f"{source.url} names no folder; connect it again with --folder NAME.")
    full = bool(get_setting(store, FULL_BODY))
    session = ImapSession(url, password_for(url, prompt), cafile=cafile) if url.is_imap else None
    try:
        for folder in folders:
            state = folder_state(store, source.id, folder)
            batches: Iterator[Batch]
            if session is not None:
                batches = session.read_folder(folder, state)
            elif url.scheme == "maildir":
                batches = read_maildir(url.path, folder, state)
            else:
                batches = read_mbox(url.path, state)
            for raws, new_state in batches:
                # parsed outside the write lock
                parsed = [parse_message(raw, full_body=full) for raw in raws]
                done = record_batch(store, source, folder, parsed, new_state)
                tally.add(done)
                if on_batch is not None:
                    on_batch(folder, tally)
    finally:
        if session is not None:
            session.close()
