"""A sync-collection answer in parts (RFC 6578 §3.6): Radicale never truncates, so the
merging of parts is tested on answers shaped as the RFC's own example."""

from __future__ import annotations

from xml.etree import ElementTree

from dualrole.dav.client import Changes, DavSession

COLLECTION = "http://dav.example.com/col/"


def answer(token: str, *responses: str) -> object:
    xml = (
        f'<D:multistatus xmlns:D="DAV:">{"".join(responses)}'
        f"<D:sync-token>{token}</D:sync-token></D:multistatus>"
    )
    return ElementTree.fromstring(xml)


def present(name: str, etag: str) -> str:
    return (
        f"<D:response><D:href>/col/{name}</D:href><D:propstat><D:prop><D:getetag>{etag}"
        "</D:getetag></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>"
    )


def gone(name: str) -> str:
    return (
        f"<D:response><D:href>/col/{name}</D:href>"
        "<D:status>HTTP/1.1 404 Not Found</D:status></D:response>"
    )


TRUNCATED = (
    "<D:response><D:href>/col/</D:href><D:status>HTTP/1.1 507 Insufficient Storage</D:status>"
    "<D:error><D:number-of-matches-within-limits/></D:error></D:response>"
)


def test_parts_are_merged_a_later_part_overriding_an_earlier_one() -> None:
    session = DavSession.__new__(DavSession)  # only its URL is used to read the answer
    session.url = "http://dav.example.com/"
    changes = Changes(None, full=True)
    more = session._take_part(
        COLLECTION,
        answer("t1", present("1.vcf", '"a1"'), present("2.vcf", '"b1"'), TRUNCATED),
        changes,
    )
    assert more and changes.token == "t1"
    more = session._take_part(
        COLLECTION, answer("t2", gone("2.vcf"), present("3.vcf", '"c1"'), present("1.vcf", '"a2"')),
        changes,
    )  # fmt: skip
    assert not more and changes.token == "t2" and changes.full
    assert {e.href.rsplit("/", 1)[1]: e.etag for e in changes.changed} == {
        "1.vcf": '"a2"',
        "3.vcf": '"c1"',
    }
    assert [href.rsplit("/", 1)[1] for href in changes.deleted] == ["2.vcf"]


def test_a_whole_answer_says_there_is_no_more() -> None:
    session = DavSession.__new__(DavSession)
    session.url = "http://dav.example.com/"
    changes = Changes("t0")
    assert not session._take_part(COLLECTION, answer("t1", gone("9.vcf")), changes)
    assert changes.token == "t1" and [h.rsplit("/", 1)[1] for h in changes.deleted] == ["9.vcf"]
