"""An E-ARK information package for the e-archive (CSIP METS, PREMIS, SHA-256 checksums).

Laid out along E-ARK CSIP 2 and the Swedish FGS 2.0 profile guidance (FGS Paketstruktur):

    <OBJID>/
      METS.xml                               the package's root METS (CSIP)
      metadata/preservation/premis.xml       PREMIS 3: objects with fixity, events, agents
      metadata/other/chain-head.txt          the audit chain's head (an anchor for `verify`)
      representations/rep1/METS.xml          the representation's METS, every file's SHA-256
      representations/rep1/data/
        snapshot.pdf                         PDF/A of the period (chain head printed)
        publications.json, received-items.json, replies-and-moderation.json,
        audit-trail.json, channel-register.json, disposals.json

Schema documents are not bundled (CSIP recommends a schemas/ folder; the e-archive holds the
standard ones); METS and PREMIS are validated against the official XSDs in the tests. The
package is written to a temporary folder beside the target and renamed when complete, so a
failure leaves nothing half-written.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_app import __version__
from desktop_app.domain.audit import AuditKind, format_time
from desktop_app.engine.export import audit_record, publication_record, to_pdf
from desktop_app.engine.records.anchors import anchor_text
from desktop_app.engine.records.gather import gather
from desktop_app.store.database import Store
from desktop_app.store.publications import HistoryFilter

METS = "http://www.loc.gov/METS/"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
PREMIS = "http://www.loc.gov/premis/v3"
CSIP_PROFILE = "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"
METS_LOCATION = "http://www.loc.gov/METS/ http://www.loc.gov/standards/mets/mets.xsd"
PREMIS_LOCATION = "http://www.loc.gov/premis/v3 http://www.loc.gov/standards/premis/premis.xsd"

for _prefix, _uri in (("mets", METS), ("xlink", XLINK), ("xsi", XSI), ("csip", CSIP),
                      ("premis", PREMIS)):  # fmt: skip
    ET.register_namespace(_prefix, _uri)


class PackageError(ValueError):
    """The package cannot be written there (the folder exists, the period is empty, ...)."""


@dataclass(frozen=True)
class PackagedFile:
    path: str  # relative to the package root, with forward slashes
    mime: str
    size: int
    sha256: str
    created: str
    file_id: str


def _m(tag: str) -> str:
    return f"{{{METS}}}{tag}"


def _x(name: str) -> str:
    return f"{{{XLINK}}}{name}"


def _p(tag: str) -> str:
    return f"{{{PREMIS}}}{tag}"


def _write(root: Path, relative: str, data: bytes, mime: str, created: str) -> PackagedFile:
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    file_id = "ID-" + hashlib.sha1(relative.encode()).hexdigest()[:12]
    return PackagedFile(relative, mime, len(data), digest, created, file_id)


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")


def _xml(element: ET.Element) -> bytes:
    ET.indent(element)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def _file_element(parent: ET.Element, packaged: PackagedFile, href: str) -> None:
    node = ET.SubElement(
        parent,
        _m("file"),
        {
            "ID": packaged.file_id,
            "MIMETYPE": packaged.mime,
            "SIZE": str(packaged.size),
            "CREATED": packaged.created,
            "CHECKSUM": packaged.sha256,
            "CHECKSUMTYPE": "SHA-256",
        },
    )
    ET.SubElement(node, _m("FLocat"), {"LOCTYPE": "URL", _x("type"): "simple", _x("href"): href})


def _mets_root(objid: str, label: str, created: str, package_type: str | None) -> ET.Element:
    root = ET.Element(
        _m("mets"),
        {
            "OBJID": objid,
            "LABEL": label,
            "TYPE": "Other",
            f"{{{CSIP}}}OTHERTYPE": "Social media records",
            f"{{{CSIP}}}CONTENTINFORMATIONTYPE": "OTHER",
            f"{{{CSIP}}}OTHERCONTENTINFORMATIONTYPE": "Kanal social media records",
            "PROFILE": CSIP_PROFILE,
            f"{{{XSI}}}schemaLocation": METS_LOCATION,
        },
    )
    header_attributes = {"CREATEDATE": created, "RECORDSTATUS": "NEW"}
    if package_type:
        header_attributes[f"{{{CSIP}}}OAISPACKAGETYPE"] = package_type
    header = ET.SubElement(root, _m("metsHdr"), header_attributes)
    agent = ET.SubElement(
        header, _m("agent"), {"ROLE": "CREATOR", "TYPE": "OTHER", "OTHERTYPE": "SOFTWARE"}
    )
    ET.SubElement(agent, _m("name")).text = "Kanal"
    ET.SubElement(agent, _m("note"), {f"{{{CSIP}}}NOTETYPE": "SOFTWARE VERSION"}).text = __version__
    return root


def representation_mets(
    objid: str, created: str, files: Sequence[PackagedFile], prefix: str
) -> bytes:
    """The representation's METS: every data file with its SHA-256, and a structural map."""
    root = _mets_root(f"{objid}/rep1", "Representation rep1", created, None)
    file_sec = ET.SubElement(root, _m("fileSec"), {"ID": "ID-filesec-rep1"})
    group = ET.SubElement(file_sec, _m("fileGrp"), {"ID": "ID-grp-data", "USE": "Data"})
    for packaged in files:
        _file_element(group, packaged, packaged.path.removeprefix(prefix))
    struct = ET.SubElement(
        root, _m("structMap"), {"ID": "ID-structmap-rep1", "TYPE": "PHYSICAL", "LABEL": "CSIP"}
    )
    top = ET.SubElement(struct, _m("div"), {"ID": "ID-div-rep1", "LABEL": "rep1"})
    data = ET.SubElement(top, _m("div"), {"ID": "ID-div-rep1-data", "LABEL": "Data"})
    for packaged in files:
        ET.SubElement(data, _m("fptr"), {"FILEID": packaged.file_id})
    return _xml(root)


def root_mets(
    objid: str,
    label: str,
    created: str,
    premis: PackagedFile,
    other: Sequence[PackagedFile],
    representation: PackagedFile,
) -> bytes:
    """The package's root METS (CSIP): PREMIS in amdSec, files, and the representation."""
    root = _mets_root(objid, label, created, "SIP")
    amd = ET.SubElement(root, _m("amdSec"), {"ID": "ID-amdsec"})
    digiprov = ET.SubElement(
        amd, _m("digiprovMD"), {"ID": "ID-digiprov-premis", "STATUS": "CURRENT"}
    )
    ET.SubElement(
        digiprov,
        _m("mdRef"),
        {
            "ID": "ID-mdref-premis",
            "LOCTYPE": "URL",
            _x("type"): "simple",
            _x("href"): premis.path,
            "MDTYPE": "PREMIS",
            "MIMETYPE": premis.mime,
            "SIZE": str(premis.size),
            "CREATED": premis.created,
            "CHECKSUM": premis.sha256,
            "CHECKSUMTYPE": "SHA-256",
        },
    )
    file_sec = ET.SubElement(root, _m("fileSec"), {"ID": "ID-filesec"})
    other_group = ET.SubElement(file_sec, _m("fileGrp"), {"ID": "ID-grp-other", "USE": "Other"})
    for packaged in other:
        _file_element(other_group, packaged, packaged.path)
    rep_group = ET.SubElement(
        file_sec, _m("fileGrp"), {"ID": "ID-grp-rep1", "USE": "Representations/rep1"}
    )
    _file_element(rep_group, representation, representation.path)
    struct = ET.SubElement(
        root, _m("structMap"), {"ID": "ID-structmap", "TYPE": "PHYSICAL", "LABEL": "CSIP"}
    )
    top = ET.SubElement(struct, _m("div"), {"ID": "ID-div-root", "LABEL": objid})
    ET.SubElement(
        top,
        _m("div"),
        {"ID": "ID-div-metadata", "LABEL": "Metadata", "ADMID": "ID-digiprov-premis"},
    )
    other_div = ET.SubElement(top, _m("div"), {"ID": "ID-div-other", "LABEL": "Other"})
    for packaged in other:
        ET.SubElement(other_div, _m("fptr"), {"FILEID": packaged.file_id})
    rep_div = ET.SubElement(
        top, _m("div"), {"ID": "ID-div-rep1-ref", "LABEL": "Representations/rep1"}
    )
    ET.SubElement(
        rep_div,
        _m("mptr"),
        {
            "LOCTYPE": "URL",
            _x("type"): "simple",
            _x("href"): representation.path,
            _x("title"): representation.file_id,
        },
    )
    return _xml(root)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    node = ET.SubElement(parent, _p(tag))
    node.text = text
    return node


def premis_document(
    objid: str,
    created: str,
    files: Sequence[PackagedFile],
    *,
    actor: str,
    chain_intact: bool | None,
    chain_line: str,
    disposals: Sequence[dict[str, Any]],
) -> bytes:
    """PREMIS 3: one object per file (SHA-256 fixity, size, format), the package's creation,
    the audit chain's check, every disposal in the period, and the agents."""
    root = ET.Element(_p("premis"), {"version": "3.0", f"{{{XSI}}}schemaLocation": PREMIS_LOCATION})
    software = ("local", "kanal")
    person = ("local", f"user:{actor}")
    for packaged in files:
        obj = ET.SubElement(root, _p("object"), {f"{{{XSI}}}type": "premis:file"})
        ident = ET.SubElement(obj, _p("objectIdentifier"))
        _text(ident, "objectIdentifierType", "local")
        _text(ident, "objectIdentifierValue", f"{objid}/{packaged.path}")
        chars = ET.SubElement(obj, _p("objectCharacteristics"))
        _text(chars, "compositionLevel", "0")
        fixity = ET.SubElement(chars, _p("fixity"))
        _text(fixity, "messageDigestAlgorithm", "SHA-256")
        _text(fixity, "messageDigest", packaged.sha256)
        _text(fixity, "messageDigestOriginator", "Kanal")
        _text(chars, "size", str(packaged.size))
        fmt = ET.SubElement(chars, _p("format"))
        designation = ET.SubElement(fmt, _p("formatDesignation"))
        _text(designation, "formatName", packaged.mime)
        _text(obj, "originalName", packaged.path.rsplit("/", 1)[-1])

    def event(
        kind: str, when: str, detail: str, outcome: str, agents: list[tuple[str, str]]
    ) -> None:
        node = ET.SubElement(root, _p("event"))
        ident = ET.SubElement(node, _p("eventIdentifier"))
        _text(ident, "eventIdentifierType", "UUID")
        _text(ident, "eventIdentifierValue", str(uuid.uuid4()))
        _text(node, "eventType", kind)
        _text(node, "eventDateTime", when)
        info = ET.SubElement(node, _p("eventDetailInformation"))
        _text(info, "eventDetail", detail)
        result = ET.SubElement(node, _p("eventOutcomeInformation"))
        _text(result, "eventOutcome", outcome)
        for agent_type, agent_value in agents:
            link = ET.SubElement(node, _p("linkingAgentIdentifier"))
            _text(link, "linkingAgentIdentifierType", agent_type)
            _text(link, "linkingAgentIdentifierValue", agent_value)

    event(
        "creation",
        created,
        f"E-ARK information package {objid} written by Kanal {__version__}",
        "success",
        [software, person],
    )
    verdict = {True: "success", False: "failure", None: "not checked"}[chain_intact]
    event("fixity check", created, f"audit hash chain verified; {chain_line}", verdict, [software])
    for disposal in disposals:
        refs = sorted({str(r.get("decision_ref", "")) for r in disposal.get("rules", [])})
        event(
            "deletion",
            str(disposal.get("run_at") or created),
            f"disposal {disposal.get('id')}: {len(disposal.get('entries', []))} records "
            f"removed by rule ({'; '.join(refs)}); {disposal.get('held_back', 0)} held back",
            "success",
            [("local", f"user:{disposal.get('actor', '')}")],
        )
    for (agent_type, agent_value), name, kind in (
        (software, f"Kanal {__version__}", "software"),
        (person, actor, "person"),
    ):
        agent = ET.SubElement(root, _p("agent"))
        ident = ET.SubElement(agent, _p("agentIdentifier"))
        _text(ident, "agentIdentifierType", agent_type)
        _text(ident, "agentIdentifierValue", agent_value)
        _text(agent, "agentName", name)
        _text(agent, "agentType", kind)
    return _xml(root)


def write_package(
    store: Store,
    since: datetime | None,
    until: datetime | None,
    output_dir: Path,
    *,
    actor: str,
    timezone: str = "Europe/Stockholm",
    now: datetime | None = None,
) -> dict[str, Any]:
    """Write the package for the period into ``output_dir`` (created if missing)."""
    moment = now or datetime.now(UTC)
    created = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with store.unit_of_work(read_only=True) as uow:
        request = gather(
            uow, HistoryFilter(since=since, until=until), timezone=timezone, with_items=True
        )
    objid = f"kanal-{uuid.uuid4()}"
    final = output_dir / objid
    partial = output_dir / f".{objid}.part"
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        partial.mkdir()
        prefix = "representations/rep1/"
        data = [
            _write(
                partial, f"{prefix}data/snapshot.pdf", to_pdf(request), "application/pdf", created
            ),
            _write(
                partial,
                f"{prefix}data/publications.json",
                _json([publication_record(p) for p in request.publications]),
                "application/json",
                created,
            ),
            _write(
                partial,
                f"{prefix}data/received-items.json",
                _json(list(request.items)),
                "application/json",
                created,
            ),
            _write(
                partial,
                f"{prefix}data/replies-and-moderation.json",
                _json([audit_record(e) for e in request.inbox_events]),
                "application/json",
                created,
            ),
            _write(
                partial,
                f"{prefix}data/audit-trail.json",
                _json(
                    {
                        "chain_intact": request.chain_intact,
                        "chain_head": anchor_text(request.chain_head),
                        "events": [audit_record(e) for e in request.audit_events],
                    }
                ),
                "application/json",
                created,
            ),
            _write(
                partial,
                f"{prefix}data/channel-register.json",
                _json(list(request.register)),
                "application/json",
                created,
            ),
            _write(
                partial,
                f"{prefix}data/disposals.json",
                _json(list(request.disposals)),
                "application/json",
                created,
            ),
        ]
        representation = _write(
            partial,
            f"{prefix}METS.xml",
            representation_mets(objid, created, data, prefix),
            "text/xml",
            created,
        )
        chain_line = anchor_text(request.chain_head)
        other = [
            _write(
                partial,
                "metadata/other/chain-head.txt",
                (chain_line + "\n").encode(),
                "text/plain",
                created,
            )
        ]
        premis = _write(
            partial,
            "metadata/preservation/premis.xml",
            premis_document(
                objid,
                created,
                [*data, representation, *other],
                actor=actor,
                chain_intact=request.chain_intact,
                chain_line=chain_line,
                disposals=[dict(d) for d in request.disposals],
            ),
            "text/xml",
            created,
        )
        label = "Kanal: " + " – ".join(
            format_time(b)[:10] if b is not None else "…" for b in (since, until)
        )
        _write(
            partial,
            "METS.xml",
            root_mets(objid, label, created, premis, other, representation),
            "text/xml",
            created,
        )
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    head = request.chain_head
    details = {
        "package": objid,
        "since": None if since is None else format_time(since),
        "until": None if until is None else format_time(until),
        "chain_head": None if head is None else {"seq": head.seq, "hash": head.hash},
        "files": {f.path: f.sha256 for f in [*data, representation, *other, premis]},
    }
    with store.unit_of_work() as uow:
        uow.audit.append(
            AuditKind.PACKAGE_WRITTEN,
            actor=actor,
            subject_type="records",
            subject_id=objid,
            details=details,
        )
    return {**details, "package": str(final), "objid": objid}
