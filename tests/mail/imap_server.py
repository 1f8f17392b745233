"""A real IMAP4rev1 server for the mail tests: Twisted's ``twisted.mail.imap4`` over a folder tree.

Run as ``python imap_server.py ROOT USER PASSWORD [--drop-after N] [--log FILE]``; it listens
on 127.0.0.1 on a free port and prints the port on its first line. Each directory in ROOT is
a mailbox (``INBOX``, ``Sent``, ``CRM``…); each file ``<uid>.eml`` in it is a message with
that UID; ``uidvalidity`` (a file) holds the folder's UIDVALIDITY (default 1). The folder is
read again at each SELECT, so a test moves a message by moving its file.

Only the storage is ours (Twisted has no on-disk mailbox for IMAP): login, the protocol,
SEARCH, FETCH and its literals are Twisted's. Two small overrides serve stored bytes
verbatim: ``BODY[HEADER]`` (Twisted re-formats headers and cannot send 8-bit ones) and a
partial ``BODY[TEXT]<0.N>`` (Twisted sends the whole text). ``--drop-after N`` closes the
connection after N messages were sent, to test a server that drops mid-folder;
``--hang-after N`` stops answering after N (a fetch to kill -9 mid-folder); ``--log``
records every command, so a test can check what the client asked for; ``--starttls CERT KEY``
offers STARTTLS with that certificate (Twisted's TLS needs its `tls` extra: pyOpenSSL).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from twisted.cred import checkers, portal
from twisted.internet import protocol, reactor
from twisted.mail import imap4
from zope.interface import implementer


@implementer(imap4.IMessage)
class Message:
    def __init__(self, uid: int, raw: bytes) -> None:
        self.uid = uid
        self.raw = raw
        split = raw.find(b"\r\n\r\n")
        sep = 4
        if split < 0:
            split, sep = raw.find(b"\n\n"), 2
        if split < 0:
            split, sep = len(raw), 0
        self.header = raw[: split + sep]
        self.body = raw[split + sep :]

    def getUID(self):
        return self.uid

    def getFlags(self):
        return []

    def getInternalDate(self):
        return "01-Jan-2026 00:00:00 +0000"

    def getHeaders(self, negate, *names):
        return {}

    def getBodyFile(self):
        return io.BytesIO(self.body)

    def getSize(self):
        return len(self.raw)

    def isMultipart(self):
        return False

    def getSubPart(self, part):
        raise IndexError(part)


@implementer(imap4.IMailboxInfo, imap4.IMailbox)
class Folder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.listeners: list[object] = []

    def messages(self) -> list[Message]:
        found = []
        for file in self.path.glob("*.eml"):
            found.append(Message(int(file.stem), file.read_bytes()))
        return sorted(found, key=lambda m: m.uid)

    def getFlags(self):
        return []

    def getHierarchicalDelimiter(self):
        return "/"

    def getUIDValidity(self):
        stored = self.path / "uidvalidity"
        return int(stored.read_text()) if stored.exists() else 1

    def getUIDNext(self):
        messages = self.messages()
        return (messages[-1].uid + 1) if messages else 1

    def getUID(self, message):
        return self.messages()[message - 1].uid

    def getMessageCount(self):
        return len(self.messages())

    def getRecentCount(self):
        return 0

    def getUnseenCount(self):
        return 0

    def isWriteable(self):
        return False

    def destroy(self):
        pass

    def requestStatus(self, names):
        values = {
            "MESSAGES": self.getMessageCount(),
            "RECENT": 0,
            "UIDNEXT": self.getUIDNext(),
            "UIDVALIDITY": self.getUIDValidity(),
            "UNSEEN": 0,
        }
        return {name: values[name] for name in names if name in values}

    def addListener(self, listener):
        self.listeners.append(listener)

    def removeListener(self, listener):
        self.listeners.remove(listener)

    def addMessage(self, message, flags=(), date=None):
        raise imap4.ReadOnlyMailbox()

    def expunge(self):
        return []

    def fetch(self, messages, uid):
        everything = self.messages()
        if not everything:
            return []
        if uid:
            messages.last = everything[-1].uid
            wanted = set(messages)
            return [(i + 1, m) for i, m in enumerate(everything) if m.uid in wanted]
        messages.last = len(everything)
        return [(i, everything[i - 1]) for i in messages if 0 < i <= len(everything)]

    def store(self, messages, flags, mode, uid):
        raise imap4.ReadOnlyMailbox()


class Account(imap4.MemoryAccount):
    def __init__(self, root: Path) -> None:
        super().__init__("test")
        self.root = root

    def select(self, name, readwrite=1):
        for folder in self.root.iterdir():
            if folder.is_dir() and folder.name.upper() == name.upper():
                return Folder(folder)
        return None

    def listMailboxes(self, ref, wildcard):
        return [(f.name, Folder(f)) for f in sorted(self.root.iterdir()) if f.is_dir()]


class Server(imap4.IMAP4Server):
    drop_after = 0
    hang_after = 0
    log_file: Path | None = None
    sent = 0

    def lineReceived(self, line):
        if self.log_file is not None:
            with self.log_file.open("ab") as log:
                log.write(line + b"\n")
        return super().lineReceived(line)

    def spew_body(self, part, id, msg, _w=None, _f=None):
        if _w is None:
            _w = self.transport.write
        if part.header and not part.header.fields:
            _w(part.__bytes__() + b" " + imap4._literal(msg.header))
            return None
        if part.text and part.partialBegin is not None:
            chunk = msg.body[part.partialBegin : part.partialBegin + part.partialLength]
            _w(b"BODY[TEXT]<%d> " % part.partialBegin + imap4._literal(chunk))
            return None
        return super().spew_body(part, id, msg, _w, _f)

    def spewMessage(self, id, msg, query, uid):
        Server.sent += 1
        if self.drop_after and Server.sent > self.drop_after:
            self.transport.abortConnection()
            return imap4.defer.succeed(None)
        if self.hang_after and Server.sent > self.hang_after:
            return imap4.defer.Deferred()  # never answers: the client waits (to be killed)
        return super().spewMessage(id, msg, query, uid)


@implementer(portal.IRealm)
class Realm:
    def __init__(self, root: Path) -> None:
        self.root = root

    def requestAvatar(self, avatar_id, mind, *interfaces):
        return imap4.IAccount, Account(self.root), lambda: None


class Factory(protocol.ServerFactory):
    def __init__(self, portal_: portal.Portal, tls: object = None) -> None:
        self.portal = portal_
        self.tls = tls

    def buildProtocol(self, addr):
        server = Server(contextFactory=self.tls)
        server.portal = self.portal
        server.factory = self
        return server


def main() -> None:
    root, user, password = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    args = sys.argv[4:]
    if "--drop-after" in args:
        Server.drop_after = int(args[args.index("--drop-after") + 1])
    if "--hang-after" in args:
        Server.hang_after = int(args[args.index("--hang-after") + 1])
    if "--log" in args:
        Server.log_file = Path(args[args.index("--log") + 1])
    tls = None
    if "--starttls" in args:
        from twisted.internet import ssl

        at = args.index("--starttls")
        tls = ssl.DefaultOpenSSLContextFactory(args[at + 2], args[at + 1])  # key, certificate
    checker = checkers.InMemoryUsernamePasswordDatabaseDontUse(**{user: password.encode()})
    port = reactor.listenTCP(
        0, Factory(portal.Portal(Realm(root), [checker]), tls), interface="127.0.0.1"
    )
    print(port.getHost().port, flush=True)
    reactor.run()


if __name__ == "__main__":
    main()
