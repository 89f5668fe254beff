"""Files and links attached to a learner's reflection, and who may download them.

An upload is read up to the configured size limit, its type is sniffed from the bytes
(`domain.files.sniff`), and it is written atomically under the upload folder as a random token; no
user input reaches a path. The file belongs to the draft (`version_number` None) until the
reflection is submitted, when it is frozen with that version (`progress.submit_reflection`).

A file is opened for download only by its owner in the same course, or by a facilitator of that
course when the version it was submitted with is shared with facilitators; anyone else gets 404,
so a stored name reveals nothing. Services flush; the view commits once.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.errors import NotFoundError
from lti_tool.learning_modules.domain.files import (
    ArchiveRefusedError,
    is_https_url,
    safe_display_name,
    sniff,
)
from lti_tool.learning_modules.domain.modules import Module
from lti_tool.learning_modules.models import (
    FACILITATOR,
    Reflection,
    ReflectionFile,
    ReflectionVersion,
)
from lti_tool.learning_modules.services.progress import (
    UnprocessableError,
    _own_reflection,
    bump_revision,
    require_course,
)
from lti_tool.lti.launch import LaunchContext
from lti_tool.people.services import is_mentor, mentee_user_pks

STORED_NAME = re.compile(r"^[0-9a-f]{40}\.[a-z0-9]{2,5}$")


class FileTooLargeError(UnprocessableError):
    status = 413
    code = "file-too-large"


def upload_folder(config: Mapping[str, Any], instance_path: str) -> Path:
    """Where uploads live: UPLOAD_FOLDER, or `<instance folder>/uploads` (never the web root)."""
    return Path(config.get("UPLOAD_FOLDER") or os.path.join(instance_path, "uploads"))


PENDING_PREFIX = ".pending-"  # an upload written before its row was committed
TEMPORARY_PREFIX = ".upload-"  # an upload still being written


@dataclass
class StagedUpload:
    """An upload written under a pending name, waiting for its transaction.

    The caller commits, then `publish()`es (the file takes its stored name and the replaced draft
    file goes), or on failure `discard()`s. A worker killed in between leaves a pending file that
    `sweep` finishes (its row was committed) or removes (it was not): never an orphan.
    """

    row: ReflectionFile
    pending: Path
    final: Path
    replaced: list[Path] = field(default_factory=list)

    def publish(self) -> None:
        os.replace(self.pending, self.final)
        for path in self.replaced:
            path.unlink(missing_ok=True)

    def discard(self) -> None:
        self.pending.unlink(missing_ok=True)


def _write_pending(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{PENDING_PREFIX}{name}"
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=TEMPORARY_PREFIX)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _draft_files(session: Session, reflection: Reflection) -> list[ReflectionFile]:
    return list(
        session.scalars(
            select(ReflectionFile).where(
                ReflectionFile.reflection_id == reflection.id,
                ReflectionFile.version_number.is_(None),
            )
        )
    )


def save_upload(
    session: Session,
    launch: LaunchContext,
    module: Module,
    prompt_id: str,
    stream: BinaryIO,
    filename: str | None,
    *,
    folder: Path,
    max_bytes: int,
) -> StagedUpload:
    """Stage an upload as the draft's file, replacing an earlier draft file.

    The file is written under a pending name; the caller publishes it after committing (see
    StagedUpload). Nothing is written when the file is too large or not an accepted type.
    """
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileTooLargeError(
            _l(
                "This file is larger than %(limit)d MB. Choose a smaller file.",
                limit=max(1, max_bytes // (1024 * 1024)),
            )
        )
    if not data:
        raise UnprocessableError(_l("This file is empty. Choose another file."), code="empty-file")
    try:
        sniffed = sniff(data)
    except ArchiveRefusedError as error:
        raise UnprocessableError(
            _l(
                "This document has too many parts or parts that expand too far to be checked "
                "safely. Save it again from your office program, or upload it as a PDF."
            ),
            code="archive-refused",
        ) from error
    if sniffed is None:
        raise UnprocessableError(
            _l(
                "This file's content is not an accepted type. Upload a PDF, an image (PNG, JPEG, "
                "GIF, WebP), an office document (Word, Excel, PowerPoint, OpenDocument) or an "
                "audio file (MP3, M4A, WAV, Ogg)."
            ),
            code="file-type-refused",
        )
    mime, extension = sniffed
    reflection = _own_reflection(session, launch, module, prompt_id)
    replaced = []
    for old in _draft_files(session, reflection):
        replaced.append(folder / old.stored_name)
        session.delete(old)
    stored_name = f"{secrets.token_hex(20)}.{extension}"
    row = ReflectionFile(
        reflection_id=reflection.id,
        version_number=None,
        original_name=safe_display_name(filename),
        stored_name=stored_name,
        mime=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    session.add(row)
    bump_revision(reflection)
    session.flush()
    pending = _write_pending(folder, stored_name, data)
    return StagedUpload(row, pending, folder / stored_name, replaced)


def set_link(
    session: Session, launch: LaunchContext, module: Module, prompt_id: str, url: str
) -> Reflection:
    """The draft's optional link: an https address, or nothing when `url` is blank."""
    url = (url or "").strip()
    if url and not is_https_url(url):
        raise UnprocessableError(
            _l("Enter a full web address that starts with https://, or leave the link empty."),
            code="invalid-link",
        )
    reflection = _own_reflection(session, launch, module, prompt_id)
    if reflection.link_url != (url or None):
        reflection.link_url = url or None
        bump_revision(reflection)
    session.flush()
    return reflection


def files_by_reflection(
    session: Session, reflection_ids: list[int]
) -> dict[int, list[ReflectionFile]]:
    """Every file of these reflections, grouped by reflection id (draft and versions)."""
    found: dict[int, list[ReflectionFile]] = {}
    if not reflection_ids:
        return found
    rows = session.scalars(
        select(ReflectionFile)
        .where(ReflectionFile.reflection_id.in_(reflection_ids))
        .order_by(ReflectionFile.uploaded_at, ReflectionFile.id)
    )
    for row in rows:
        found.setdefault(row.reflection_id, []).append(row)
    return found


def file_for_download(
    session: Session, launch: LaunchContext, slug: str, stored_name: str, folder: Path
) -> tuple[ReflectionFile, Path]:
    """The file and its path if this launch may download it; otherwise NotFoundError."""
    missing = NotFoundError(_l("There is no file at this address."), code="file-not-found")
    if launch.context_pk is None or not STORED_NAME.match(stored_name):
        raise missing
    row = session.scalar(
        select(ReflectionFile)
        .join(Reflection, Reflection.id == ReflectionFile.reflection_id)
        .where(
            ReflectionFile.stored_name == stored_name,
            Reflection.module_slug == slug,
            Reflection.context_id == require_course(launch),
        )
    )
    if row is None:
        raise missing
    reflection = row.reflection
    allowed = reflection.user_id == launch.user_pk
    if not allowed and launch.is_facilitator and row.version_number is not None:
        visibility = session.scalar(
            select(ReflectionVersion.visibility).where(
                ReflectionVersion.reflection_id == reflection.id,
                ReflectionVersion.number == row.version_number,
            )
        )
        allowed = visibility == FACILITATOR
    if not allowed and is_mentor(launch) and row.version_number is not None:
        shared = session.scalar(
            select(ReflectionVersion.shared_with_mentors).where(
                ReflectionVersion.reflection_id == reflection.id,
                ReflectionVersion.number == row.version_number,
            )
        )
        allowed = bool(shared) and reflection.user_id in mentee_user_pks(session, launch)
    path = folder / row.stored_name
    if not allowed or not path.is_file():
        raise missing
    return row, path


@dataclass(frozen=True)
class SweepReport:
    published: int
    removed: int


def sweep(session: Session, folder: Path, now: datetime, grace: timedelta) -> SweepReport:
    """Leave the upload folder holding exactly the files rows name.

    A pending file whose row was committed is published (its worker died after the commit); other
    pending or temporary files, and stored files no row names, are removed once older than
    `grace`, so an upload still in flight is never touched.
    """
    if not folder.is_dir():
        return SweepReport(0, 0)
    known = set(session.scalars(select(ReflectionFile.stored_name)))
    cutoff = (now - grace).timestamp()
    published = removed = 0
    for path in folder.iterdir():
        if not path.is_file():
            continue
        name = path.name
        if name.startswith(PENDING_PREFIX) and name[len(PENDING_PREFIX) :] in known:
            os.replace(path, folder / name[len(PENDING_PREFIX) :])
            published += 1
        elif path.stat().st_mtime < cutoff and (
            name.startswith((PENDING_PREFIX, TEMPORARY_PREFIX))
            or (STORED_NAME.match(name) and name not in known)
        ):
            path.unlink(missing_ok=True)
            removed += 1
    return SweepReport(published, removed)
