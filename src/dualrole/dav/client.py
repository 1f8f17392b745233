"""A small WebDAV client for one CardDAV address book and one CalDAV task list.

The transport is caldav's ``DAVClient`` (niquests underneath): it negotiates Basic, Digest or
Bearer auth and finds the principal and the calendar home. The sync itself is plain WebDAV,
the same for vCards and VTODOs: ``sync-collection`` (RFC 6578) for what changed since a
token, ``*-multiget`` for the bodies in batches, ``PUT`` with ``If-None-Match: *`` (create)
or ``If-Match`` (update), ``DELETE`` with ``If-Match``. caldav has no CardDAV, so one code
path serves both collections. Every failure becomes a :class:`DavError` of one sentence;
XML from the server is parsed without entities or network access.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin, urlsplit
from xml.sax.saxutils import escape

DAV = "DAV:"
CARD = "urn:ietf:params:xml:ns:carddav"
CAL = "urn:ietf:params:xml:ns:caldav"
BATCH = 500
"""Hrefs per multiget request."""
SECONDS_PER_ITEM = 0.02
"""How long a server may take per resource of a whole upload (Radicale writes and syncs
each to disk, ~6 ms on a busy machine)."""
MAX_PARTS = 10_000
"""Parts of one sync-collection answer (RFC 6578 truncation) before listing instead."""


class DavError(Exception):
    """The server could not be used for this step (one sentence, for the person)."""


class AuthFailed(DavError):
    """401/403: the user name or password was refused."""


class Unreachable(DavError):
    """No answer: the server is down or the network dropped."""


class Precondition(DavError):
    """412: the resource changed on the server since we last read it (or already exists)."""


class TokenExpired(DavError):
    """The server no longer knows our sync token: list the collection in full."""


@dataclass(frozen=True)
class Entry:
    href: str
    etag: str


@dataclass
class Changes:
    """What a collection reports since a token: changed resources, gone ones, the new token.

    ``full`` means ``changed`` lists every resource (a first sync, or an expired token), so a
    linked href missing from it is gone.
    """

    token: str | None
    changed: list[Entry] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    full: bool = False


@dataclass(frozen=True)
class Collection:
    url: str
    name: str
    kind: str  # "addressbook" or "calendar"
    todos: bool = True  # a calendar that takes VTODOs


def _tree(response: Any) -> Any:
    """The XML caldav parsed from the answer (without entities or network access)."""
    tree = getattr(response, "tree", None)
    if tree is None:
        raise DavError("The server answered without the XML a WebDAV server sends.")
    return tree


def _tag(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _status_code(text: str | None) -> int:
    parts = (text or "").split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


class DavSession:
    """One connection to the owner's server; ``url`` is where discovery starts."""

    def __init__(self, url: str, user: str, password: str, *, timeout: int = 30) -> None:
        from caldav.davclient import DAVClient

        self.url = url if url.endswith("/") else url + "/"
        self.user = user
        self.client = DAVClient(
            url=self.url,
            username=user,
            password=password,
            timeout=timeout,
            enable_rfc6764=False,  # discovery is done below, on the URL given
            require_tls=False,
        )

    def close(self) -> None:
        self.client.close()

    @contextlib.contextmanager
    def patience(self, items: int) -> Iterator[None]:
        """Wait longer for answers about ``items`` resources at once (a whole upload, and
        the first listing after it: the server writes each one)."""
        usual = self.client.timeout
        self.client.timeout = max(usual or 0, int(items * SECONDS_PER_ITEM))
        try:
            yield
        finally:
            self.client.timeout = usual

    def __enter__(self) -> DavSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- requests ------------------------------------------------------------------------

    def request(
        self, method: str, url: str, body: str = "", headers: dict[str, str] | None = None
    ) -> Any:
        from caldav.lib import error

        where = urlsplit(url).netloc or url
        try:
            response = self.client.request(url, method, body, headers or {})
        except error.AuthorizationError as exc:
            if _says_token_invalid(exc):
                raise TokenExpired(f"{url} no longer knows the last sync token.") from exc
            raise AuthFailed(
                f"{where} refused the user name or password ({self.user}); check them "
                "(an app password for Nextcloud, Fastmail or iCloud) and run `dualrole dav "
                "connect` again."
            ) from exc
        except error.DAVError as exc:
            raise DavError(f"{where} refused {method} ({exc}).") from exc
        except Exception as exc:  # niquests' connection errors, timeouts, resets
            reason = type(exc).__name__
            raise Unreachable(
                f"Cannot reach {where} ({reason}); nothing was lost, run `dualrole dav sync` "
                "again when the server is back."
            ) from exc
        return response

    def _check(self, response: Any, method: str, url: str, ok: Iterable[int]) -> None:
        status = int(response.status)
        if status in ok:
            return
        if status == 412:
            raise Precondition(f"{url} changed on the server since the last sync.")
        raise DavError(f"The server answered {status} to {method} {urlsplit(url).path}.")

    def propfind(self, url: str, props: str, depth: int = 0) -> Any:
        body = f'<?xml version="1.0"?><d:propfind {_NS}><d:prop>{props}</d:prop></d:propfind>'
        response = self.request("PROPFIND", url, body, {"Depth": str(depth)})
        self._check(response, "PROPFIND", url, (207,))
        return _tree(response)

    # --- discovery -----------------------------------------------------------------------

    def principal(self) -> str:
        """The principal's URL: from the URL given, else from /.well-known/ (RFC 6764)."""
        candidates = [
            self.url,
            urljoin(self.url, "/.well-known/carddav"),
            urljoin(self.url, "/.well-known/caldav"),
        ]
        for candidate in candidates:
            try:
                tree = self.propfind(candidate, "<d:current-user-principal/>")
            except (AuthFailed, Unreachable):
                raise
            except DavError:
                continue
            for href in tree.iter(_tag(DAV, "current-user-principal")):
                found = href.findtext(_tag(DAV, "href"))
                if found:
                    return str(urljoin(self.url, found.strip()))
        raise DavError(
            f"{self.url} does not say whose address book and calendar it holds (no "
            "current-user-principal); give the server's CardDAV/CalDAV URL."
        )

    def homes(self, principal: str) -> tuple[str | None, str | None]:
        """The address book home and the calendar home of ``principal`` (None: not offered)."""
        tree = self.propfind(principal, "<c:addressbook-home-set/><k:calendar-home-set/>")
        homes: list[str | None] = []
        for ns, name in ((CARD, "addressbook-home-set"), (CAL, "calendar-home-set")):
            element = next(tree.iter(_tag(ns, name)), None)
            href = element.findtext(_tag(DAV, "href")) if element is not None else None
            homes.append(urljoin(self.url, href.strip()) if href else None)
        return homes[0], homes[1]

    def collections(self, home: str) -> list[Collection]:
        """The address books and task calendars directly under ``home``."""
        tree = self.propfind(
            home, "<d:resourcetype/><d:displayname/><k:supported-calendar-component-set/>", 1
        )
        found: list[Collection] = []
        for response in tree.iter(_tag(DAV, "response")):
            href = response.findtext(_tag(DAV, "href"))
            kinds = response.find(f".//{_tag(DAV, 'resourcetype')}")
            if not href or kinds is None:
                continue
            url = urljoin(self.url, href.strip())
            name = (response.findtext(f".//{_tag(DAV, 'displayname')}") or "").strip()
            name = name or url.rstrip("/").rsplit("/", 1)[-1]
            if kinds.find(_tag(CARD, "addressbook")) is not None:
                found.append(Collection(url, name, "addressbook"))
            elif kinds.find(_tag(CAL, "calendar")) is not None:
                comps = [c.get("name", "").upper() for c in response.iter(_tag(CAL, "comp"))]
                found.append(Collection(url, name, "calendar", not comps or "VTODO" in comps))
        return found

    def make_addressbook(self, home: str, name: str) -> Collection:
        url = urljoin(home, f"dualrole-{uuid.uuid4().hex[:8]}/")
        body = (
            f'<?xml version="1.0"?><d:mkcol {_NS}><d:set><d:prop><d:resourcetype>'
            f"<d:collection/><c:addressbook/></d:resourcetype><d:displayname>{escape(name)}"
            "</d:displayname></d:prop></d:set></d:mkcol>"
        )
        response = self.request("MKCOL", url, body)
        self._check(response, "MKCOL", url, (200, 201))
        return Collection(url, name, "addressbook")

    def make_calendar(self, home: str, name: str) -> Collection:
        url = urljoin(home, f"dualrole-{uuid.uuid4().hex[:8]}/")
        body = (
            f'<?xml version="1.0"?><k:mkcalendar {_NS}><d:set><d:prop><d:displayname>'
            f"{escape(name)}</d:displayname><k:supported-calendar-component-set>"
            '<k:comp name="VTODO"/></k:supported-calendar-component-set></d:prop></d:set>'
            "</k:mkcalendar>"
        )
        response = self.request("MKCALENDAR", url, body)
        self._check(response, "MKCALENDAR", url, (200, 201))
        return Collection(url, name, "calendar")

    # --- sync ----------------------------------------------------------------------------

    def changes(self, collection: str, token: str | None) -> Changes:
        """What changed in ``collection`` since ``token`` (all of it when None).

        A server may answer in parts (RFC 6578 §3.6: a 507 for the collection itself and a
        token for what it did send); the next part is asked for with that token until the
        answer is whole."""
        changes = Changes(token, full=not token)
        for _part in range(MAX_PARTS):
            body = (
                f'<?xml version="1.0"?><d:sync-collection {_NS}>'
                f"<d:sync-token>{escape(changes.token or '')}</d:sync-token>"
                "<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"
            )
            response = self.request("REPORT", collection, body, {"Depth": "0"})
            status = int(response.status)
            if changes.token and status in (403, 409) and b"valid-sync-token" in _bytes(response):
                raise TokenExpired(f"{collection} no longer knows the last sync token.")
            if status in (400, 403, 501):
                return self._listing(collection)  # no sync-collection: compare ETags
            self._check(response, "REPORT", collection, (207,))
            before = changes.token
            if not self._take_part(collection, _tree(response), changes):
                return changes
            if changes.token in (None, before):
                break  # "more to come" without a new token to ask from: list it all
        return self._listing(collection)

    def _take_part(self, collection: str, tree: Any, changes: Changes) -> bool:
        """Add one sync-collection answer to ``changes``; True when the server says there
        is more (a later part overrides an earlier one for the same resource)."""
        changes.token = tree.findtext(_tag(DAV, "sync-token"))
        base = collection.rstrip("/")
        changed = {entry.href: entry for entry in changes.changed}
        deleted = dict.fromkeys(changes.deleted)
        more = False
        for item in tree.iter(_tag(DAV, "response")):
            href = (item.findtext(_tag(DAV, "href")) or "").strip()
            status = _status_code(item.findtext(_tag(DAV, "status")))
            if not href or urljoin(self.url, href).rstrip("/") == base:
                more = more or status == 507
                continue
            href = urljoin(self.url, href)
            if status == 404:
                changed.pop(href, None)
                deleted[href] = None
                continue
            etag = item.findtext(f".//{_tag(DAV, 'getetag')}")
            if etag:
                deleted.pop(href, None)
                changed[href] = Entry(href, etag.strip())
        changes.changed, changes.deleted = list(changed.values()), list(deleted)
        return more

    def _listing(self, collection: str) -> Changes:
        tree = self.propfind(collection, "<d:getetag/>", 1)
        changes = Changes(None, full=True)
        base = collection.rstrip("/")
        for item in tree.iter(_tag(DAV, "response")):
            href = urljoin(self.url, (item.findtext(_tag(DAV, "href")) or "").strip())
            etag = item.findtext(f".//{_tag(DAV, 'getetag')}")
            if href.rstrip("/") != base and etag:
                changes.changed.append(Entry(href, etag.strip()))
        return changes

    def multiget(
        self, collection: str, kind: str, hrefs: list[str]
    ) -> Iterator[list[tuple[str, str, str]]]:
        """Batches of (href, etag, body) of the resources still there, ``BATCH`` a request."""
        ns, report, data = (
            (CARD, "addressbook-multiget", "address-data")
            if kind == "addressbook"
            else (CAL, "calendar-multiget", "calendar-data")
        )
        prefix = "c" if kind == "addressbook" else "k"
        for start in range(0, len(hrefs), BATCH):
            chunk = hrefs[start : start + BATCH]
            refs = "".join(f"<d:href>{escape(urlsplit(h).path)}</d:href>" for h in chunk)
            body = (
                f'<?xml version="1.0"?><{prefix}:{report} {_NS}><d:prop><d:getetag/>'
                f"<{prefix}:{data}/></d:prop>{refs}</{prefix}:{report}>"
            )
            response = self.request("REPORT", collection, body, {"Depth": "1"})
            self._check(response, "REPORT", collection, (207,))
            tree = _tree(response)
            batch = []
            for item in tree.iter(_tag(DAV, "response")):
                href = urljoin(self.url, (item.findtext(_tag(DAV, "href")) or "").strip())
                etag = item.findtext(f".//{_tag(DAV, 'getetag')}")
                text = item.findtext(f".//{_tag(ns, data)}")
                if etag and text:
                    batch.append((href, etag.strip(), text))
            yield batch

    def members(self, collection: str) -> tuple[str | None, list[Entry], list[Any]]:
        """The collection's own ETag, its resources, and the properties a whole upload
        would drop (to set again after it)."""
        tree = self.propfind(collection, _KEPT_PROPS + "<d:getetag/>", 1)
        own: str | None = None
        kept: list[Any] = []
        entries: list[Entry] = []
        base = collection.rstrip("/")
        for item in tree.iter(_tag(DAV, "response")):
            href = urljoin(self.url, (item.findtext(_tag(DAV, "href")) or "").strip())
            etag = (item.findtext(f".//{_tag(DAV, 'getetag')}") or "").strip() or None
            if href.rstrip("/") != base:
                if etag:
                    entries.append(Entry(href, etag))
                continue
            own = etag
            for propstat in item.iter(_tag(DAV, "propstat")):
                if _status_code(propstat.findtext(_tag(DAV, "status"))) != 200:
                    continue
                for prop in propstat.iter(_tag(DAV, "prop")):
                    kept += [p for p in prop if p.tag != _tag(DAV, "getetag") and _has_value(p)]
        return own, entries, kept

    def put_collection(
        self, collection: str, body: str, content_type: str, etag: str, kept: list[Any]
    ) -> str | None:
        """Upload every resource of an empty collection in one request, only if the
        collection is still as ``etag`` says; None when the server does not take a whole
        collection (most do not: only Radicale does), and nothing changed. Else the
        collection's ETag once done ("" when it has none).

        The upload replaces the collection's properties, so ``kept`` (from :meth:`members`)
        are set again at once."""
        headers = {"Content-Type": f"{content_type}; charset=utf-8", "If-Match": etag}
        response = self.request("PUT", collection, body, headers)
        if int(response.status) not in (200, 201, 204):
            return None
        if kept:
            props = "".join(_xml(p) for p in kept)
            patch = (
                f'<?xml version="1.0"?><d:propertyupdate xmlns:d="{DAV}"><d:set><d:prop>'
                f"{props}</d:prop></d:set></d:propertyupdate>"
            )
            answer = self.request("PROPPATCH", collection, patch)
            self._check(answer, "PROPPATCH", collection, (200, 207))
        return self.collection_etag(collection)

    def collection_etag(self, collection: str) -> str:
        """The collection's own ETag ("" when the server gives none)."""
        tree = self.propfind(collection, "<d:getetag/>", 0)
        return (tree.findtext(f".//{_tag(DAV, 'getetag')}") or "").strip()

    def put(self, href: str, body: str, content_type: str, etag: str | None) -> str | None:
        """Create (``etag`` None: only if absent) or replace (only if unchanged); the new ETag."""
        headers = {"Content-Type": f"{content_type}; charset=utf-8"}
        headers["If-Match" if etag else "If-None-Match"] = etag or "*"
        response = self.request("PUT", href, body, headers)
        self._check(response, "PUT", href, (200, 201, 204))
        new = response.headers.get("ETag") or response.headers.get("etag")
        return str(new) if new else None

    def delete(self, href: str, etag: str | None) -> None:
        response = self.request("DELETE", href, "", {"If-Match": etag} if etag else {})
        if int(response.status) == 404:
            return  # already gone: what we wanted
        self._check(response, "DELETE", href, (200, 204))

    def member(self, collection: str, uid: str, suffix: str) -> str:
        """The href a new resource with ``uid`` gets (stable, so a repeated PUT finds it)."""
        return urljoin(
            collection if collection.endswith("/") else collection + "/",
            quote(uid, safe="") + suffix,
        )


_NS = f'xmlns:d="{DAV}" xmlns:c="{CARD}" xmlns:k="{CAL}"'
_KEPT_PROPS = (
    "<d:displayname/><c:addressbook-description/><k:calendar-description/>"
    '<k:supported-calendar-component-set/><a:calendar-color xmlns:a="http://apple.com/ns/ical/"/>'
)


def _xml(element: Any) -> str:
    """``element`` written back as XML (each name with its own namespace declaration)."""
    namespace, _, local = str(element.tag)[1:].partition("}")
    attributes = "".join(
        f' {key}="{escape(str(value), {chr(34): "&quot;"})}"'
        for key, value in element.attrib.items()
        if not str(key).startswith("{")
    )
    inner = escape(element.text or "") + "".join(
        _xml(child) + escape(child.tail or "") for child in element
    )
    return f'<x:{local} xmlns:x="{namespace}"{attributes}>{inner}</x:{local}>'


def _says_token_invalid(exc: Any) -> bool:
    """A 403 refusing the sync token (RFC 6578 ``valid-sync-token``), not the user."""
    body = getattr(exc, "body", None) or b""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    return "valid-sync-token" in text


def _has_value(element: Any) -> bool:
    return len(element) > 0 or bool((element.text or "").strip())


def _bytes(response: Any) -> bytes:
    raw = response._raw
    return raw if isinstance(raw, bytes) else str(raw).encode()
