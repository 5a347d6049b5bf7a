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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fpdf import FPDF

from desktop_app import __version__
from desktop_app.domain.audit import AuditEvent, ChainHead, format_time
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
    },
    "en": {},
}

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


def chain_head_line(head: ChainHead | None) -> str:
    from desktop_app.engine.records.anchors import anchor_text

    return anchor_text(head)


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
    labels = LABELS.get(request.lang, LABELS["sv"])
    zone = _zone(request.timezone)
    exported_at = request.exported_at or datetime.now(UTC)
    pdf = _HistoryPdf(labels)
    pdf.set_title(labels["title"])
    pdf.set_lang("sv-SE" if request.lang == "sv" else "en-GB")
    pdf.set_creator(f"Kanal {__version__}")
    pdf.set_author("Kanal")
    pdf.set_subject(labels["subtitle"])
    pdf.set_keywords(chain_head_line(request.chain_head))
    pdf.set_creation_date(exported_at)
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.epw

    pdf.set_font("DejaVu", "B", 18)
    pdf.multi_cell(width, 9, labels["title"], new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font("DejaVu", "", 10)
    pdf.set_text_color(70, 70, 70)
    pdf.multi_cell(width, 5, labels["subtitle"], new_x="LMARGIN", new_y="NEXT", align="L")
    period = labels["all_time"]
    if request.since or request.until:
        start = _local(request.since, zone, "%Y-%m-%d") if request.since else "…"
        end = _local(request.until, zone, "%Y-%m-%d") if request.until else "…"
        period = f"{start} – {end}"
    facts = [
        (labels["period"], period),
        (labels["exported"], _local(exported_at, zone)),
        (labels["count"], str(len(request.publications))),
    ]
    if request.chain_intact is not None:
        verdict = labels["chain_ok"] if request.chain_intact else labels["chain_broken"]
        count = f"{len(request.audit_events)} {labels['events']}"
        facts.append((labels["audit"], f"{verdict} ({count})"))
    facts.append((labels["chain_head"], chain_head_line(request.chain_head)))
    pdf.ln(2)
    for label, value in facts:
        pdf.set_font("DejaVu", "B", 9)
        pdf.cell(38, 5, label)
        pdf.set_font("DejaVu", "", 9)
        pdf.multi_cell(width - 38, 5, value, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(4)

    if not request.publications:
        pdf.set_font("DejaVu", "", 11)
        pdf.multi_cell(width, 6, labels["none"], new_x="LMARGIN", new_y="NEXT", align="L")
    drawable = _font_characters(pdf)
    for publication in request.publications:
        _publication_block(pdf, publication, labels, zone, width, drawable)

    if request.audit_events:
        pdf.add_page()
        pdf.set_font("DejaVu", "B", 14)
        pdf.multi_cell(width, 8, labels["audit"], new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_font("DejaVu", "", 9)
        pdf.multi_cell(width, 5, labels["audit_intro"], new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(2)
        for event in request.audit_events:
            pdf.set_font("DejaVu", "B", 8)
            kind = EVENT_NAMES.get(request.lang, {}).get(event.kind, event.kind)
            head = f"#{event.seq}  {_local(event.occurred_at, zone)}  {kind}"
            pdf.multi_cell(width, 4.5, head, new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.set_font("DejaVu", "", 8)
            line = (
                f"{labels['actor']}: {event.actor} · {event.subject_type} {event.subject_id}\n"
                f"SHA-256: {event.hash}"
            )
            pdf.multi_cell(width, 4, line, new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(1.5)
    return bytes(pdf.output())


def _publication_block(
    pdf: FPDF,
    publication: Publication,
    labels: dict[str, str],
    zone: Any,
    width: float,
    drawable: frozenset[int],
) -> None:
    # Keep a block's head on one page: start a new page if little room is left.
    if pdf.get_y() > pdf.h - 60:
        pdf.add_page()
    network = NETWORK_NAMES.get(publication.network.value, publication.network.value)
    moment = publication.sent_at or publication.created_at
    pdf.set_draw_color(170, 170, 170)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(
        width,
        6,
        f"{network} · {publication.account_label or publication.account_id}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    status = labels.get(publication.state.value, publication.state.value)
    if publication.platform_scheduled and publication.scheduled_at is not None:
        status += f" ({labels['scheduled']} {_local(publication.scheduled_at, zone)})"
    rows = [
        (labels["platform"], network),
        (labels["account"], publication.account_label or publication.account_id),
        (labels["time"], _local(moment, zone)),
        (labels["author"], publication.author or "–"),
        (labels["submitted_by"], publication.submitted_by or "–"),
        (labels["status"], status),
    ]
    if publication.failure_reason:
        rows.append((labels["reason"], publication.failure_reason))
    for label, value in rows:
        pdf.set_font("DejaVu", "B", 9)
        pdf.cell(30, 5, label)
        pdf.set_font("DejaVu", "", 9)
        pdf.multi_cell(width - 30, 5, value, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font("DejaVu", "B", 9)
    pdf.cell(30, 5, labels["link"])
    pdf.set_font("DejaVu", "", 9)
    if publication.remote_url:
        pdf.set_text_color(0, 60, 140)
        pdf.multi_cell(
            width - 30,
            5,
            publication.remote_url,
            link=publication.remote_url,
            new_x="LMARGIN",
            new_y="NEXT",
            align="L",
        )
        pdf.set_text_color(0, 0, 0)
    else:
        pdf.multi_cell(width - 30, 5, labels["no_link"], new_x="LMARGIN", new_y="NEXT", align="L")
    if publication.title:
        pdf.set_font("DejaVu", "B", 9)
        pdf.cell(30, 5, labels["heading"])
        pdf.set_font("DejaVu", "", 9)
        pdf.multi_cell(
            width - 30,
            5,
            _printable(publication.title, drawable),
            new_x="LMARGIN",
            new_y="NEXT",
            align="L",
        )
    pdf.ln(1)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(
        width,
        5.2,
        _printable(publication.text, drawable),
        new_x="LMARGIN",
        new_y="NEXT",
        align="L",
    )
    if publication.media:
        pdf.ln(1)
        pdf.set_font("DejaVu", "B", 9)
        pdf.multi_cell(width, 5, labels["images"], new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_font("DejaVu", "", 9)
        for index, media in enumerate(publication.media, start=1):
            alt = _printable(media.alt_text, drawable) or "–"
            line = f"{index}. {labels['alt']}: {alt} (SHA-256 {media.sha256[:16]}…)"
            pdf.multi_cell(width, 4.5, line, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(4)


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
