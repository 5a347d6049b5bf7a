"""Sent history and audit trail exported for archiving public records: CSV, JSON and PDF/A.

The PDF is made by fpdf2 with its PDF/A-2U compliance mode (fonts embedded, an sRGB output
intent and the XMP identification written by the library), the format Swedish archives take for
records. It reads as a document: one block per post with platform, account, link, author and
time; headings in Swedish unless English is asked for. Times are shown in the authority's time
zone and also given in UTC in the CSV and JSON.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fpdf import FPDF

from desktop_app import __version__
from desktop_app.domain.audit import AuditEvent, ChainHead, chain_head_text, format_time
from desktop_app.domain.publications import Publication

FONT_DIR = Path(__file__).resolve().parent / "fonts"
PDF_COMPLIANCE = "PDFA_2U"
FORMATS = ("csv", "json", "pdf")

NETWORK_NAMES = {
    "wordpress": "WordPress",
    "facebook": "Facebook",
    "x": "X",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
}

# The audit trail's event kinds as a reader sees them.
EVENT_NAMES: dict[str, dict[str, str]] = {
    "sv": {
        "drafted": "utkast skapat",
        "edited": "redigerat",
        "submitted": "skickat för publicering",
        "submitted_for_review": "skickat för granskning",
        "approved": "godkänt",
        "rejected": "avslaget",
        "restored": "återställt",
        "reopened": "återöppnat",
        "published": "publicerat",
        "failed": "misslyckades",
        "retried": "nytt försök",
        "scheduled": "schemalagt",
        "cancelled": "avbrutet",
        "deleted": "raderat",
        "hidden": "dolt",
        "unhidden": "visas igen",
        "marked_spam": "markerat som skräp",
        "assigned": "tilldelat",
        "replied": "besvarat",
        "received": "mottaget från plattformen",
        "account_archived": "konto borttaget (arkiverat)",
        "retention_rule_set": "gallringsregel satt",
        "legal_hold_placed": "gallringsstopp satt",
        "legal_hold_released": "gallringsstopp hävt",
        "disposed": "gallrat",
        "register_changed": "kanalregistret ändrat",
        "records_settings_changed": "arkivinställningar ändrade",
        "snapshot_written": "ögonblicksbild skriven",
        "package_written": "arkivpaket skrivet",
    },
    "en": {
        "submitted": "queued for publishing",
        "submitted_for_review": "submitted for review",
        "marked_spam": "marked as spam",
        "received": "received from the platform",
        "account_archived": "account removed (archived)",
        "retention_rule_set": "retention rule set",
        "legal_hold_placed": "legal hold placed",
        "legal_hold_released": "legal hold released",
        "disposed": "disposed of",
        "register_changed": "channel register changed",
        "records_settings_changed": "records settings changed",
        "snapshot_written": "snapshot written",
        "package_written": "archive package written",
    },
}

# What an event is about, as a reader says it (never the raw type name).
SUBJECT_NAMES: dict[str, dict[str, str]] = {
    "sv": {
        "draft": "utkast",
        "publication": "publicering",
        "inbox_item": "inkommet inlägg",
        "account": "konto",
        "retention_rule": "gallringsregel",
        "legal_hold": "gallringsstopp",
        "disposal": "gallring",
        "register": "kanalregister",
        "records_settings": "arkivinställningar",
        "records": "arkivet",
    },
    "en": {
        "draft": "draft",
        "publication": "publication",
        "inbox_item": "received item",
        "account": "account",
        "retention_rule": "retention rule",
        "legal_hold": "legal hold",
        "disposal": "disposal",
        "register": "channel register",
        "records_settings": "records settings",
        "records": "the records",
    },
}

REASON_NAMES: dict[str, dict[str, str]] = {
    "sv": {
        "criminal_content": "Uppenbart brottsligt innehåll (BBS-lagen)",
        "sensitive_personal_data": "Känsliga personuppgifter",
        "confidential": "Sekretessbelagd information",
        "spam": "Skräppost",
        "off_topic": "Utanför ämnet",
        "other": "Annat",
    },
    "en": {
        "criminal_content": "Obviously criminal content (BBS law)",
        "sensitive_personal_data": "Sensitive personal data",
        "confidential": "Confidential information",
        "spam": "Spam",
        "off_topic": "Off-topic",
        "other": "Other",
    },
}

MODERATION_KINDS = frozenset({"hidden", "unhidden", "deleted", "marked_spam", "approved"})

# Headings and labels per language; Swedish is the working language and the default.
LABELS: dict[str, dict[str, str]] = {
    "sv": {
        "title": "Publiceringshistorik",
        "subtitle": "Utdrag ur Kanal för arkivering av allmänna handlingar",
        "period": "Period",
        "all_time": "hela historiken",
        "exported": "Exporterad",
        "count": "Antal publiceringar",
        "platform": "Plattform",
        "account": "Konto",
        "link": "Länk",
        "author": "Författare",
        "time": "Tid",
        "status": "Status",
        "heading": "Rubrik",
        "text": "Text",
        "images": "Bilder",
        "alt": "Alternativtext",
        "reason": "Orsak",
        "audit": "Händelselogg",
        "audit_intro": "Varje händelse bär SHA-256 av föregående händelse (hashkedja).",
        "chain_ok": "Hashkedjan är obruten",
        "chain_broken": "Hashkedjan är bruten",
        "events": "händelser",
        "page": "Sida",
        "none": "Inga publiceringar under perioden.",
        "no_link": "(ingen länk)",
        "sent": "publicerad",
        "failed": "misslyckades",
        "queued": "i kö",
        "sending": "skickas",
        "unknown": "kontrolleras",
        "cancelled": "avbruten",
        "scheduled": "schemalagd till",
        "actor": "Utförd av",
        "event": "Händelse",
        "submitted_by": "Publicerad av",
        "chain_head": "Kedjans huvud",
        "publications": "Publiceringar",
        "post": "Inlägg",
        "accounts_sent": "Skickat till",
        "not_yet": "ännu inte publicerat",
        "replies": "Svar från myndigheten",
        "no_replies": "Inga svar under perioden.",
        "moderations": "Moderering",
        "no_moderations": "Ingen moderering under perioden.",
        "in_reply_to": "Svar på",
        "reply": "Svar",
        "hidden_text": "Dold text",
        "note": "Anteckning",
        "action": "Åtgärd",
        "on_platform": "På plattformen",
        "yes": "ja",
        "no": "nej (endast i Kanal)",
        "disposals": "Gallringslista",
        "rule": "Regel",
        "decision": "Gallringsbeslut",
        "removed": "Gallrade handlingar",
        "register": "Kanalregister",
        "purpose": "Syfte",
        "responsible": "Ansvarig",
        "start_date": "Startdatum",
        "notice": "Information om moderering (BBS-lagen 3 §)",
        "channel_status": "Status",
        "details": "Detaljer",
        "received": "Mottaget",
        "channel_active": "aktiv",
        "channel_paused": "pausad",
        "channel_closed": "avslutad",
        "channel_archived": "borttagen ur Kanal (arkiverad)",
        "item_new": "ny",
        "item_read": "läst",
        "item_answered": "besvarad",
        "item_done": "klar",
        "item_hidden": "dold",
        "item_deleted": "raderad på plattformen",
    },
    "en": {
        "title": "Publication history",
        "subtitle": "Extract from Kanal for archiving public records",
        "period": "Period",
        "all_time": "all history",
        "exported": "Exported",
        "count": "Publications",
        "platform": "Platform",
        "account": "Account",
        "link": "Link",
        "author": "Author",
        "time": "Time",
        "status": "Status",
        "heading": "Title",
        "text": "Text",
        "images": "Images",
        "alt": "Alt text",
        "reason": "Reason",
        "audit": "Audit trail",
        "audit_intro": "Each event carries the SHA-256 of the event before it (hash chain).",
        "chain_ok": "The hash chain is intact",
        "chain_broken": "The hash chain is broken",
        "events": "events",
        "page": "Page",
        "none": "No publications in this period.",
        "no_link": "(no link)",
        "sent": "published",
        "failed": "failed",
        "queued": "queued",
        "sending": "sending",
        "unknown": "being checked",
        "cancelled": "cancelled",
        "scheduled": "scheduled for",
        "actor": "Done by",
        "event": "Event",
        "submitted_by": "Published by",
        "chain_head": "Chain head",
        "publications": "Publications",
        "post": "Post",
        "accounts_sent": "Sent to",
        "not_yet": "not yet published",
        "replies": "Replies by the authority",
        "no_replies": "No replies in this period.",
        "moderations": "Moderation",
        "no_moderations": "No moderation in this period.",
        "in_reply_to": "In reply to",
        "reply": "Reply",
        "hidden_text": "Hidden text",
        "note": "Note",
        "action": "Action",
        "on_platform": "On the platform",
        "yes": "yes",
        "no": "no (in Kanal only)",
        "disposals": "Disposal list",
        "rule": "Rule",
        "decision": "Disposal decision",
        "removed": "Disposed records",
        "register": "Channel register",
        "purpose": "Purpose",
        "responsible": "Responsible",
        "start_date": "Start date",
        "notice": "Moderation notice (BBS law §3)",
        "channel_status": "Status",
        "details": "Details",
        "received": "Received",
        "channel_active": "active",
        "channel_paused": "paused",
        "channel_closed": "closed",
        "channel_archived": "removed from Kanal (archived)",
        "item_new": "new",
        "item_read": "read",
        "item_answered": "answered",
        "item_done": "done",
        "item_hidden": "hidden",
        "item_deleted": "deleted on the platform",
    },
}


@dataclass(frozen=True)
class ExportRequest:
    publications: Sequence[Publication]
    audit_events: Sequence[AuditEvent] = ()
    chain_intact: bool | None = None  # None: not checked
    since: datetime | None = None
    until: datetime | None = None
    lang: str = "sv"
    timezone: str = "Europe/Stockholm"
    exported_at: datetime | None = None
    # The newest event's (seq, hash) when exported: the anchor `history verify --anchor` checks.
    chain_head: ChainHead | None = None
    # Staff replies and moderations (audit events of inbox items), listed in their own sections
    # even when the audit trail itself is left out.
    inbox_events: Sequence[AuditEvent] = ()
    # Disposal lists (engine.records.disposal) and the channel register, as plain records.
    disposals: Sequence[Mapping[str, Any]] = ()
    register: Sequence[Mapping[str, Any]] = ()
    # Received items (comments, mentions, replies) as plain records: snapshots and packages.
    items: Sequence[Mapping[str, Any]] = ()


def chain_head_line(head: ChainHead | None) -> str:
    return chain_head_text(head)


def export(request: ExportRequest, fmt: str, output: Path) -> Path:
    """Write ``request`` to ``output`` in ``fmt`` (csv, json or pdf), atomically."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    data = {"csv": to_csv, "json": to_json, "pdf": to_pdf}[fmt](request)
    write_atomically(output, data)
    if fmt == "csv":
        write_atomically(audit_csv_path(output), audit_csv(request))
    return output


def audit_csv_path(output: Path) -> Path:
    """The CSV export's second file: the audit trail beside the publications."""
    return output.with_name(f"{output.stem}-audit{output.suffix or '.csv'}")


def write_atomically(output: Path, data: bytes) -> None:
    """Write through a temporary file that is removed again if anything fails.

    On Windows a file open in another program (Excel keeps the old export locked) cannot be
    replaced: that is said in words the user can act on.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    try:
        partial.write_bytes(data)
        partial.replace(output)
    except PermissionError as error:
        partial.unlink(missing_ok=True)
        raise PermissionError(
            error.errno,
            f"{output.name} is open in another program or not writable; close it and export again",
        ) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def publication_record(publication: Publication) -> dict[str, Any]:
    """The JSON form of one publication, as exported and printed by `kanal history`."""
    return {
        "id": publication.id,
        "batch_id": publication.batch_id,
        "draft_id": publication.draft_id,
        "account_id": publication.account_id,
        "account": publication.account_label,
        "network": publication.network.value,
        "author": publication.author,
        "submitted_by": publication.submitted_by,
        "state": publication.state.value,
        "title": publication.title,
        "text": publication.text,
        "parts": list(publication.parts),
        "media": [
            {"mime_type": m.mime_type, "alt_text": m.alt_text, "sha256": m.sha256}
            for m in publication.media
        ],
        "remote_ids": list(publication.remote_ids),
        "url": publication.remote_url,
        "failure_kind": publication.failure_kind.value if publication.failure_kind else None,
        "failure_reason": publication.failure_reason,
        "attempts": publication.attempts,
        "created_at": _iso(publication.created_at),
        "sent_at": _iso(publication.sent_at),
        "scheduled_at": _iso(publication.scheduled_at),
        "platform_scheduled": publication.platform_scheduled,
    }


def audit_record(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "id": event.id,
        "kind": event.kind,
        "actor": event.actor,
        "occurred_at": format_time(event.occurred_at),
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "details": dict(event.details),
        "prev_hash": event.prev_hash,
        "hash": event.hash,
        "seal": event.seal,
    }


def _head_record(head: ChainHead | None) -> dict[str, Any] | None:
    return None if head is None else {"seq": head.seq, "hash": head.hash}


def to_json(request: ExportRequest) -> bytes:
    payload = {
        "format": "kanal-history/1",
        "exported_at": _iso(request.exported_at or datetime.now(UTC)),
        "since": _iso(request.since),
        "until": _iso(request.until),
        "audit_chain_head": _head_record(request.chain_head),
        "publications": [publication_record(p) for p in request.publications],
        "audit": {
            "chain_intact": request.chain_intact,
            "events": [audit_record(e) for e in request.audit_events],
        },
        "replies_and_moderation": [audit_record(e) for e in request.inbox_events],
        "disposals": [dict(d) for d in request.disposals],
        "channel_register": [dict(c) for c in request.register],
        "received_items": [dict(i) for i in request.items],
    }
    return (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


CSV_COLUMNS = (
    "sent_at_utc",
    "sent_at_local",
    "network",
    "account",
    "author",
    "submitted_by",
    "state",
    "url",
    "remote_ids",
    "title",
    "text",
    "alt_texts",
    "failure_reason",
    "publication_id",
    "draft_id",
)


# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """The cell as text a spreadsheet shows and never evaluates: a leading ' before a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


AUDIT_CSV_COLUMNS = (
    "seq",
    "occurred_at_utc",
    "occurred_at_local",
    "kind",
    "actor",
    "subject_type",
    "subject_id",
    "details",
    "prev_hash",
    "hash",
    "seal",
)


def audit_csv(request: ExportRequest) -> bytes:
    """The audit trail as CSV (the second file of a CSV export), with the chain head last."""
    zone = _zone(request.timezone)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(AUDIT_CSV_COLUMNS)
    for e in request.audit_events:
        details = json.dumps(dict(e.details), ensure_ascii=False, sort_keys=True)
        writer.writerow(
            [
                neutralise(v)
                for v in (
                    e.seq,
                    format_time(e.occurred_at),
                    e.occurred_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                    e.kind,
                    e.actor,
                    e.subject_type,
                    e.subject_id,
                    details,
                    e.prev_hash,
                    e.hash,
                    e.seal or "",
                )
            ]
        )
    writer.writerow([chain_head_line(request.chain_head)])
    return buffer.getvalue().encode("utf-8-sig")


def to_csv(request: ExportRequest) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read å, ä and ö right."""
    zone = _zone(request.timezone)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for p in request.publications:
        moment = p.sent_at or p.created_at
        writer.writerow(
            neutralise(v)
            for v in [
                _iso(moment),
                moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                p.network.value,
                p.account_label,
                p.author,
                p.submitted_by,
                p.state.value,
                p.remote_url,
                " ".join(p.remote_ids),
                p.title,
                p.text,
                " | ".join(m.alt_text for m in p.media),
                p.failure_reason,
                p.id,
                p.draft_id or "",
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


class _HistoryPdf(FPDF):
    def __init__(self, labels: dict[str, str]) -> None:
        super().__init__(format="A4", enforce_compliance=PDF_COMPLIANCE)
        self._labels = labels
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, f"{self._labels['page']} {self.page_no()}/{{nb}}", align="C")


def to_pdf(request: ExportRequest) -> bytes:
    """The supervisor's document: posts, replies, moderation, disposals, register, audit."""
    lang = request.lang if request.lang in LABELS else "sv"
    labels = LABELS[lang]
    zone = _zone(request.timezone)
    exported_at = request.exported_at or datetime.now(UTC)
    pdf = _HistoryPdf(labels)
    pdf.set_title(labels["title"])
    pdf.set_lang("sv-SE" if lang == "sv" else "en-GB")
    pdf.set_creator(f"Kanal {__version__}")
    pdf.set_author("Kanal")
    pdf.set_subject(labels["subtitle"])
    pdf.set_keywords(chain_head_line(request.chain_head))
    pdf.set_creation_date(exported_at)
    pdf.alias_nb_pages()
    pdf.add_page()
    out = _Writer(pdf, labels, zone, _font_characters(pdf), lang)
    posts = group_posts(request.publications)
    _pdf_cover(out, request, len(posts), exported_at)
    _pdf_publications(out, posts, exported_at)
    _pdf_inbox(out, request)
    _pdf_records(out, request)
    return bytes(pdf.output())


def _pdf_cover(
    out: _Writer, request: ExportRequest, post_count: int, exported_at: datetime
) -> None:
    pdf, labels, zone = out.pdf, out.labels, out.zone
    pdf.set_font("DejaVu", "B", 18)
    out.para(labels["title"], 9)
    pdf.set_font("DejaVu", "", 10)
    pdf.set_text_color(70, 70, 70)
    out.para(labels["subtitle"], 5)
    period = labels["all_time"]
    if request.since or request.until:
        start = _local(request.since, zone, "%Y-%m-%d") if request.since else "…"
        end = _local(request.until, zone, "%Y-%m-%d") if request.until else "…"
        period = f"{start} – {end}"
    facts = [
        (labels["period"], period),
        (labels["exported"], _local(exported_at, zone)),
        (labels["count"], f"{len(request.publications)} ({post_count} {labels['post'].lower()})"),
    ]
    if request.chain_intact is not None:
        verdict = labels["chain_ok"] if request.chain_intact else labels["chain_broken"]
        count = f"{len(request.audit_events)} {labels['events']}"
        facts.append((labels["audit"], f"{verdict} ({count})"))
    facts.append((labels["chain_head"], chain_head_line(request.chain_head)))
    pdf.ln(2)
    for label, value in facts:
        out.row(label, value, 38)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(4)


def _pdf_publications(out: _Writer, posts: Sequence[Any], exported_at: datetime) -> None:
    out.heading(out.labels["publications"])
    if not posts:
        out.pdf.set_font("DejaVu", "", 11)
        out.para(out.labels["none"], 6)
    for post in posts:
        _post_block(out, post, exported_at)


def _pdf_inbox(out: _Writer, request: ExportRequest) -> None:
    """What came in, what staff answered and what was moderated, with reasons."""
    labels = out.labels
    if request.items:
        out.heading(labels["received"], new_page=True)
        for item in request.items:
            _received_block(out, item)
    replies = [e for e in request.inbox_events if e.kind == "replied"]
    moderations = [e for e in request.inbox_events if e.kind in MODERATION_KINDS]
    out.heading(labels["replies"], new_page=True)
    if not replies:
        out.para(labels["no_replies"], 6)
    for event in replies:
        _reply_block(out, event)
    out.heading(labels["moderations"], new_page=False)
    if not moderations:
        out.para(labels["no_moderations"], 6)
    for event in moderations:
        _moderation_block(out, event)


def _pdf_records(out: _Writer, request: ExportRequest) -> None:
    """Disposal lists, the channel register and the audit trail itself."""
    labels = out.labels
    if request.disposals:
        out.heading(labels["disposals"], new_page=True)
        for disposal in request.disposals:
            _disposal_block(out, disposal)
    if request.register:
        out.heading(labels["register"], new_page=True)
        for channel in request.register:
            _register_block(out, channel)
    if request.audit_events:
        out.heading(labels["audit"], new_page=True)
        out.pdf.set_font("DejaVu", "", 9)
        out.para(labels["audit_intro"], 5)
        out.pdf.ln(2)
        for event in request.audit_events:
            _audit_line(out, event)


@dataclass(frozen=True)
class Post:
    """One press of Publish: the text once, and every account it went to."""

    title: str
    text: str
    author: str
    publications: tuple[Publication, ...]


def group_posts(publications: Sequence[Publication]) -> list[Post]:
    """Publications grouped by batch (one post), in the order their first one appears."""
    groups: dict[str, list[Publication]] = {}
    for publication in publications:
        groups.setdefault(publication.batch_id or publication.id, []).append(publication)
    posts = []
    for members in groups.values():
        first = members[0]
        title = next((p.title for p in members if p.title), "")  # X carries no title
        posts.append(Post(title, first.text, first.author, tuple(members)))
    return posts


def true_state(
    publication: Publication, labels: Mapping[str, str], now: datetime, zone: Any
) -> str:
    """What a reader must be told: a post the platform holds for later is not published."""
    scheduled = publication.scheduled_at
    if scheduled is not None and scheduled > now and publication.state.value in ("sent", "queued"):
        return f"{labels['scheduled']} {_local(scheduled, zone)} ({labels['not_yet']})"
    return labels.get(publication.state.value, publication.state.value)


class _Writer:
    """Small layout helpers over fpdf2, all text through the font's drawable characters."""

    def __init__(
        self, pdf: FPDF, labels: dict[str, str], zone: Any, drawable: frozenset[int], lang: str
    ) -> None:
        self.pdf = pdf
        self.labels = labels
        self.zone = zone
        self.drawable = drawable
        self.lang = lang
        self.width = pdf.epw

    def para(self, text: str, height: float = 5, **kwargs: Any) -> None:
        self.pdf.multi_cell(
            self.width,
            height,
            _printable(text, self.drawable),
            new_x="LMARGIN",
            new_y="NEXT",
            align="L",
            **kwargs,
        )

    def row(self, label: str, value: str, label_width: float = 30) -> None:
        self.pdf.set_font("DejaVu", "B", 9)
        self.pdf.cell(label_width, 5, label)
        self.pdf.set_font("DejaVu", "", 9)
        self.pdf.multi_cell(
            self.width - label_width,
            5,
            _printable(value, self.drawable) or "–",
            new_x="LMARGIN",
            new_y="NEXT",
            align="L",
        )

    def heading(self, text: str, *, new_page: bool = False) -> None:
        if new_page or self.pdf.get_y() > self.pdf.h - 50:
            self.pdf.add_page()
        else:
            self.pdf.ln(3)
        self.pdf.set_font("DejaVu", "B", 14)
        self.para(text, 8)
        self.pdf.set_font("DejaVu", "", 9)

    def rule(self) -> None:
        if self.pdf.get_y() > self.pdf.h - 50:
            self.pdf.add_page()
        self.pdf.set_draw_color(170, 170, 170)
        y = self.pdf.get_y()
        self.pdf.line(self.pdf.l_margin, y, self.pdf.l_margin + self.width, y)
        self.pdf.ln(2)

    def time(self, value: Any) -> str:
        if isinstance(value, datetime):
            return _local(value, self.zone)
        if isinstance(value, str) and value:
            try:
                return _local(datetime.fromisoformat(value.replace("Z", "+00:00")), self.zone)
            except ValueError:
                return value
        return ""

    def link(self, label: str, url: str) -> None:
        self.pdf.set_font("DejaVu", "B", 9)
        self.pdf.cell(30, 5, label)
        self.pdf.set_font("DejaVu", "", 9)
        if url:
            self.pdf.set_text_color(0, 60, 140)
            self.pdf.multi_cell(
                self.width - 30, 5, url, link=url, new_x="LMARGIN", new_y="NEXT", align="L"
            )
            self.pdf.set_text_color(0, 0, 0)
        else:
            self.pdf.multi_cell(
                self.width - 30, 5, self.labels["no_link"], new_x="LMARGIN", new_y="NEXT"
            )


def _post_block(out: _Writer, post: Post, now: datetime) -> None:
    labels = out.labels
    pdf = out.pdf
    out.rule()
    pdf.set_font("DejaVu", "B", 11)
    out.para(post.title or labels["post"], 6)
    out.row(labels["author"], post.author)
    pdf.ln(1)
    pdf.set_font("DejaVu", "", 10)
    out.para(post.text, 5.2)
    media = post.publications[0].media
    if media:
        pdf.ln(1)
        pdf.set_font("DejaVu", "B", 9)
        out.para(labels["images"])
        pdf.set_font("DejaVu", "", 9)
        for index, item in enumerate(media, start=1):
            alt = item.alt_text or "–"
            out.para(f"{index}. {labels['alt']}: {alt} (SHA-256 {item.sha256[:16]}…)", 4.5)
    pdf.ln(1.5)
    pdf.set_font("DejaVu", "B", 9)
    out.para(labels["accounts_sent"])
    for publication in post.publications:
        network = NETWORK_NAMES.get(publication.network.value, publication.network.value)
        pdf.set_font("DejaVu", "B", 9)
        out.para(f"{network} · {publication.account_label or publication.account_id}")
        moment = publication.sent_at or publication.created_at
        out.row(labels["time"], _local(moment, out.zone))
        out.row(labels["status"], true_state(publication, labels, now, out.zone))
        out.row(labels["submitted_by"], publication.submitted_by)
        if publication.failure_reason:
            out.row(labels["reason"], publication.failure_reason)
        out.link(labels["link"], publication.remote_url)
        if publication.text != post.text:
            pdf.set_font("DejaVu", "", 9)
            out.para(f"{labels['text']}: {publication.text}", 4.8)
        pdf.ln(1)
    pdf.ln(3)


def _item_line(out: _Writer, item: Mapping[str, Any]) -> str:
    network = NETWORK_NAMES.get(str(item.get("network", "")), str(item.get("network", "")))
    who = item.get("author_name") or item.get("author_handle") or "–"
    return f"{network} · {who} · {out.time(item.get('created_at'))}"


def _received_block(out: _Writer, item: Mapping[str, Any]) -> None:
    labels = out.labels
    out.rule()
    out.pdf.set_font("DejaVu", "B", 9)
    out.para(f"{_item_line(out, item)} · {item.get('account', '')}", 5)
    out.pdf.set_font("DejaVu", "", 9)
    out.para(str(item.get("text", "")), 4.8)
    state = str(item.get("state", ""))
    out.row(labels["status"], labels.get(f"item_{state}", state))
    out.link(labels["link"], str(item.get("url") or ""))
    out.pdf.ln(1)


def _reply_block(out: _Writer, event: AuditEvent) -> None:
    labels = out.labels
    item = event.details.get("item") or {}
    out.rule()
    out.pdf.set_font("DejaVu", "B", 10)
    out.para(f"{out.time(event.occurred_at)} · {event.actor}", 5.5)
    out.row(labels["in_reply_to"], _item_line(out, item))
    out.pdf.set_font("DejaVu", "", 9)
    out.para(str(item.get("text", "")), 4.8)
    out.pdf.ln(1)
    out.row(labels["reply"], str(event.details.get("reply_text", "")))
    out.link(labels["link"], str(event.details.get("reply_url") or item.get("url") or ""))
    out.pdf.ln(2)


def _moderation_block(out: _Writer, event: AuditEvent) -> None:
    labels = out.labels
    details = event.details
    item = details.get("item") or {}
    kind = EVENT_NAMES.get(out.lang, {}).get(event.kind, event.kind.replace("_", " "))
    reason = str(details.get("reason", ""))
    reason_text = REASON_NAMES.get(out.lang, {}).get(reason, reason)
    if details.get("reason_text"):
        reason_text = f"{reason_text}: {details['reason_text']}"
    out.rule()
    out.pdf.set_font("DejaVu", "B", 10)
    out.para(f"{out.time(event.occurred_at)} · {kind} · {event.actor}", 5.5)
    out.row(labels["reason"], reason_text)
    out.row(labels["note"], str(details.get("note") or ""))
    on_platform = details.get("on_platform")
    if on_platform is not None:
        out.row(labels["on_platform"], labels["yes"] if on_platform else labels["no"])
    out.row(labels["post"], _item_line(out, item))
    out.row(labels["hidden_text"], str(item.get("text", "")))
    out.link(labels["link"], str(item.get("url") or ""))
    out.pdf.ln(2)


def _disposal_block(out: _Writer, disposal: Mapping[str, Any]) -> None:
    labels = out.labels
    out.rule()
    out.pdf.set_font("DejaVu", "B", 10)
    out.para(f"{out.time(disposal.get('run_at'))} · {disposal.get('actor', '')}", 5.5)
    entries = list(disposal.get("entries", []))
    rules = {str(r.get("id")): r for r in disposal.get("rules", [])}
    out.row(labels["removed"], str(len(entries)))
    for rule in rules.values():
        out.row(labels["rule"], _rule_text(out, rule))
    out.pdf.set_font("DejaVu", "", 8)
    for entry in entries:
        out.para(
            f"{_subject(out.lang, str(entry.get('record_class', '')))} "
            f"{entry.get('record_id', '')} · {out.time(entry.get('occurred_at'))} · "
            f"SHA-256 {str(entry.get('content_sha256', ''))[:16]}…",
            4,
        )
    out.pdf.ln(2)


def _rule_text(out: _Writer, rule: Mapping[str, Any]) -> str:
    cls = _subject(out.lang, str(rule.get("record_class", "")))
    return (
        f"{cls}, {rule.get('keep_days')} d · {out.labels['decision']}: {rule.get('decision_ref')}"
    )


def _register_block(out: _Writer, channel: Mapping[str, Any]) -> None:
    labels = out.labels
    out.rule()
    out.pdf.set_font("DejaVu", "B", 10)
    network = NETWORK_NAMES.get(str(channel.get("network", "")), str(channel.get("network", "")))
    out.para(f"{network} · {channel.get('account', '')}", 5.5)
    out.row(labels["purpose"], str(channel.get("purpose") or ""))
    out.row(labels["responsible"], str(channel.get("responsible") or ""))
    out.row(labels["start_date"], str(channel.get("start_date") or ""))
    status = str(channel.get("status") or "")
    out.row(labels["channel_status"], labels.get(f"channel_{status}", status))
    out.pdf.set_font("DejaVu", "B", 9)
    out.para(labels["notice"])
    out.pdf.set_font("DejaVu", "", 9)
    out.para(str(channel.get("moderation_notice") or "–"), 4.8)
    out.pdf.ln(2)


RECORD_CLASS_NAMES: dict[str, dict[str, str]] = {
    "sv": {
        "published_posts": "publicerade inlägg",
        "received_items": "mottagna kommentarer och omnämnanden",
        "moderated_items": "modererade inlägg",
        "staff_replies": "myndighetens svar",
        "audit_events": "händelselogg",
    },
    "en": {
        "published_posts": "published posts",
        "received_items": "received comments and mentions",
        "moderated_items": "moderated items",
        "staff_replies": "staff replies",
        "audit_events": "audit events",
    },
}


def _subject(lang: str, name: str) -> str:
    return (
        SUBJECT_NAMES.get(lang, {}).get(name)
        or RECORD_CLASS_NAMES.get(lang, {}).get(name)
        or name.replace("_", " ")
    )


def _audit_line(out: _Writer, event: AuditEvent) -> None:
    pdf = out.pdf
    labels = out.labels
    pdf.set_font("DejaVu", "B", 8)
    kind = EVENT_NAMES.get(out.lang, {}).get(event.kind, event.kind.replace("_", " "))
    out.para(f"#{event.seq}  {_local(event.occurred_at, out.zone)}  {kind}", 4.5)
    pdf.set_font("DejaVu", "", 8)
    subject = _subject(out.lang, event.subject_type)
    line = f"{labels['actor']}: {event.actor} · {subject} {event.subject_id}"
    summary = _event_summary(out, event)
    if summary:
        line += f"\n{summary}"
    out.para(f"{line}\nSHA-256: {event.hash}", 4)
    pdf.ln(1.5)


def _event_summary(out: _Writer, event: AuditEvent) -> str:
    details = event.details
    labels = out.labels
    parts: list[str] = []
    if details.get("reason"):
        reason = str(details["reason"])
        parts.append(f"{labels['reason']}: {REASON_NAMES.get(out.lang, {}).get(reason, reason)}")
    if details.get("reason_text"):
        parts.append(str(details["reason_text"]))
    if details.get("note"):
        parts.append(f"{labels['note']}: {details['note']}")
    item = details.get("item")
    if isinstance(item, Mapping) and item.get("text") and event.kind in MODERATION_KINDS:
        parts.append(f"{labels['hidden_text']}: {item['text']}")
    if details.get("reply_text"):
        parts.append(f"{labels['reply']}: {details['reply_text']}")
    if event.kind == "received":
        count = len(details.get("received", {})) + len(details.get("changed", {}))
        parts.append(f"{count} SHA-256")
    return " · ".join(parts)


def _font_characters(pdf: FPDF) -> frozenset[int]:
    """The code points the embedded font can draw (its character map, as fpdf2 read it)."""
    cmap: dict[int, Any] = getattr(pdf.fonts["dejavu"], "cmap", {})
    return frozenset(int(code) for code in cmap)


def _printable(text: str, drawable: frozenset[int]) -> str:
    """Characters the embedded font cannot draw (emoji, rare scripts) become a box, so the
    document stays valid PDF/A: every glyph shown must come from an embedded font. The exact
    text is in the CSV and JSON exports and in its SHA-256 in the audit trail."""
    return "".join(ch if ch in "\n\t" or ord(ch) in drawable else "□" for ch in text)


def _zone(name: str) -> Any:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # No time zone database (Windows without tzdata): UTC is right, only less familiar.
        return UTC


def _local(moment: datetime | None, zone: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    suffix = "" if fmt == "%Y-%m-%d" else f" {local.tzname() or ''}".rstrip()
    return local.strftime(fmt) + suffix


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else format_time(moment)
