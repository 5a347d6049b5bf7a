"""Images attached to drafts: their rows and repository (the files are in the data folder)."""

from __future__ import annotations

import builtins
import shutil
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Integer,
    String,
    Text,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop_app.domain.drafts import (
    Attachment,
    AttachmentRejected,
)
from desktop_app.store.attachment_files import import_image
from desktop_app.store.base import Base, deleter, new_id
from desktop_app.store.errors import UnknownAttachment
from desktop_app.store.types import UTCDateTime

if TYPE_CHECKING:
    from desktop_app.store.drafts import DraftRow
    from desktop_app.store.unit_of_work import UnitOfWork


class AttachmentRow(Base):
    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    draft_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("drafts.id", ondelete="CASCADE"), index=True
    )
    stored_path: Mapped[str] = mapped_column(String(1000))
    original_name: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    mime_type: Mapped[str] = mapped_column(String(100))
    alt_text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    draft: Mapped[DraftRow] = relationship(back_populates="attachments", lazy="raise")


def attachment_from_row(row: AttachmentRow) -> Attachment:
    return Attachment(
        id=row.id,
        draft_id=row.draft_id,
        stored_path=row.stored_path,
        original_name=row.original_name,
        sha256=row.sha256,
        size_bytes=row.size_bytes,
        mime_type=row.mime_type,
        alt_text=row.alt_text,
        position=row.position,
    )


class AttachmentRepository:
    """Images attached to drafts: the file in the data folder, its checksum and alt text."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._session = uow.session

    def add(self, draft_id: str, source_path: Path | str, alt_text: str = "") -> Attachment:
        """Copy and check the image, then attach it at the end of the draft's images.

        Raises ``AttachmentRejected`` (the file is gone, too big, damaged or not an image),
        ``DraftNotFound`` or ``DraftLocked``; in every case the draft stays as it was.
        """
        draft_row = self._uow.drafts.editable_row(draft_id)
        attachment_id = new_id()
        imported = import_image(Path(source_path), self._uow.data_dir, attachment_id)
        draft_row.updated_at = self._uow.clock()
        stored = self._uow.data_dir / imported.stored_path
        self._uow.after_rollback(deleter(stored))
        row = AttachmentRow(
            id=attachment_id,
            draft_id=draft_id,
            stored_path=imported.stored_path,
            original_name=imported.original_name,
            sha256=imported.sha256,
            size_bytes=imported.size_bytes,
            mime_type=imported.mime_type,
            alt_text=alt_text,
            position=self._next_position(draft_id),
            created_at=self._uow.clock(),
        )
        draft_row.attachments.append(row)
        self._session.flush()
        return attachment_from_row(row)

    def get(self, attachment_id: str) -> Attachment | None:
        row = self._session.get(AttachmentRow, attachment_id)
        return None if row is None else attachment_from_row(row)

    def list_for_draft(self, draft_id: str) -> builtins.list[Attachment]:
        query = (
            select(AttachmentRow)
            .where(AttachmentRow.draft_id == draft_id)
            .order_by(AttachmentRow.position, AttachmentRow.id)
        )
        return [attachment_from_row(row) for row in self._session.scalars(query)]

    def set_alt_text(self, attachment_id: str, alt_text: str) -> Attachment:
        row = self._row(attachment_id)
        if row.alt_text != alt_text:
            draft_row = self._uow.drafts.editable_row(row.draft_id)
            draft_row.updated_at = self._uow.clock()
            row.alt_text = alt_text
            self._session.flush()
        return attachment_from_row(row)

    def remove(self, attachment_id: str) -> None:
        """Detach the image; its file is deleted once the unit of work commits."""
        row = self._row(attachment_id)
        draft_row = self._uow.drafts.editable_row(row.draft_id)
        draft_row.updated_at = self._uow.clock()
        path = self._uow.data_dir / row.stored_path
        draft_row.attachments.remove(row)
        self._session.flush()
        self._uow.after_commit(deleter(path))

    def copy_row(self, source: AttachmentRow, draft_id: str) -> AttachmentRow:
        """A copy of ``source`` (file included) for another draft; used by ``duplicate``."""
        copy_id = new_id()
        source_file = self._uow.data_dir / source.stored_path
        relative = Path(source.stored_path).with_name(copy_id + Path(source.stored_path).suffix)
        target_file = self._uow.data_dir / relative
        try:
            shutil.copyfile(source_file, target_file)
        except FileNotFoundError:
            raise AttachmentRejected(
                f"the image {source.original_name} is missing from the data folder "
                f"({source.stored_path}); remove it from the draft and attach it again"
            ) from None
        self._uow.after_rollback(deleter(target_file))
        return AttachmentRow(
            id=copy_id,
            draft_id=draft_id,
            stored_path=relative.as_posix(),
            original_name=source.original_name,
            sha256=source.sha256,
            size_bytes=source.size_bytes,
            mime_type=source.mime_type,
            alt_text=source.alt_text,
            position=source.position,
            created_at=self._uow.clock(),
        )

    def _next_position(self, draft_id: str) -> int:
        query = select(func.max(AttachmentRow.position)).where(AttachmentRow.draft_id == draft_id)
        highest = self._session.scalar(query)
        return 0 if highest is None else int(highest) + 1

    def _row(self, attachment_id: str) -> AttachmentRow:
        row = self._session.get(AttachmentRow, attachment_id)
        if row is None:
            raise UnknownAttachment(f"no attachment with id {attachment_id}")
        return row
