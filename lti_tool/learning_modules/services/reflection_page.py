"""Saving a module's whole reflection page at once: every prompt's text, link, file and visibility.

One form holds every prompt, so saving (or submitting) one answer never drops the text typed in
another. A page loaded before another tab saved is stale: a prompt changed both there and here is a
conflict, and then nothing at all is written — the page comes back with both texts (`Conflict`) and
the newer visibility, so nothing typed is lost and no sharing choice is undone. A prompt the stale
page left untouched keeps what the other tab saved.

Services flush; the view commits once, then publishes the staged uploads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from lti_tool.learning_modules.domain.modules import Module
from lti_tool.learning_modules.domain.progress import PromptEntry, is_unchanged_here
from lti_tool.learning_modules.services import files, progress
from lti_tool.lti.launch import LaunchContext


@dataclass(frozen=True)
class Upload:
    stream: BinaryIO
    filename: str


class PromptRefusedError(progress.UnprocessableError):
    """One prompt's part of the page could not be accepted; `field` says which input."""

    def __init__(self, error: progress.UnprocessableError, prompt_id: str, field_name: str):
        super().__init__(error.message, code=error.code, status=error.status)
        self.prompt_id = prompt_id
        self.field = field_name


@dataclass
class PageSaved:
    staged: list[files.StagedUpload] = field(default_factory=list)
    conflicts: list[progress.Conflict] = field(default_factory=list)


def save_page(
    session: Session,
    launch: LaunchContext,
    module: Module,
    entries: list[PromptEntry],
    *,
    uploads: Mapping[str, Upload],
    submit: str | None,
    folder: Path,
    max_bytes: int,
) -> PageSaved:
    """Save every changed prompt of the page as a draft, and submit `submit` if given.

    Raises PromptRefusedError (nothing to be committed) when one prompt's input is refused.
    Returns the conflicts instead of saving when the page is stale.
    """
    found = progress.conflicts(session, launch, module, entries)
    if found:
        return PageSaved(conflicts=found)
    outcome = PageSaved()
    try:
        for entry in entries:
            upload = uploads.get(entry.prompt_id)
            if (
                is_unchanged_here(entry, progress.posted_digest(entry))
                and upload is None
                and entry.prompt_id != submit
            ):
                continue  # as loaded: what another tab saved since stays
            _save_entry(session, launch, module, entry, upload, outcome, folder, max_bytes)
        if submit is not None:
            answer = next((e.answer for e in entries if e.prompt_id == submit), "")
            _guarded(
                submit,
                "answer",
                progress.submit_reflection,
                session,
                launch,
                module,
                submit,
                answer,
            )
    except BaseException:
        for staged in outcome.staged:
            staged.discard()
        raise
    return outcome


def _save_entry(
    session: Session,
    launch: LaunchContext,
    module: Module,
    entry: PromptEntry,
    upload: Upload | None,
    outcome: PageSaved,
    folder: Path,
    max_bytes: int,
) -> None:
    pid = entry.prompt_id
    _guarded(
        pid,
        "answer",
        progress.set_visibility,
        session,
        launch,
        module,
        pid,
        entry.visibility,
        shared_with_mentors=entry.shared_with_mentors,
    )
    _guarded(pid, "link", files.set_link, session, launch, module, pid, entry.link)
    if upload is not None:
        staged = _guarded(
            pid,
            "attachment",
            files.save_upload,
            session,
            launch,
            module,
            pid,
            upload.stream,
            upload.filename,
            folder=folder,
            max_bytes=max_bytes,
        )
        outcome.staged.append(staged)
    _guarded(pid, "answer", progress.save_draft, session, launch, module, pid, entry.answer)


_Params = ParamSpec("_Params")
_Result = TypeVar("_Result")


def _guarded(
    prompt_id: str,
    field_name: str,
    action: Callable[_Params, _Result],
    *args: _Params.args,
    **kwargs: _Params.kwargs,
) -> _Result:
    try:
        return action(*args, **kwargs)
    except progress.UnprocessableError as error:
        raise PromptRefusedError(error, prompt_id, field_name) from error
