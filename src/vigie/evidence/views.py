"""The evidence pages: a piece of evidence (hash, capture metadata, working copies, chain of
custody), receiving a file into a case, deriving a working copy, checking a file against its hash,
the download (the only way a stored file leaves Vigie through the web, with the case's bundle), and
a case's bundle for a court.

Access as for cases (vigie.cases.views): the anonymous are sent to the login (the download answers
them 404, as it always has); outside the user's scope, 404; an action the role does not allow on a
visible record, 403. Evidence is for the roles granted it (investigators, coordinators): an
organisation administrator may read a case but not its evidence.

Uploads are received by EvidenceUploadHandler: into the evidence store's own ``incoming/`` directory
(not the system's temporary directory, which may not be on the encrypted disk), and a file larger
than VIGIE_EVIDENCE_MAX_BYTES is dropped while it arrives instead of being written whole. The
service then hashes the file in the one pass that stores it (vigie.evidence.services.add_evidence).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_safe

from vigie.cases.forms import DerivedEvidenceForm, EvidenceForm
from vigie.cases.models import Case
from vigie.core import permissions
from vigie.core.audit import record_read
from vigie.core.files import private_dir
from vigie.core.views import forbidden, object_for

from .bundle import BundleError, export_bundle
from .choices import CustodyAction
from .errors import EvidenceError
from .models import EvidenceItem
from .services import add_evidence, record_custody, verify_item
from .store import INCOMING_DIR, default_store, human_size


@never_cache
@require_safe
def download(request, pk: int):
    """Serve one file as an attachment. Anyone outside the item's scope, anonymous included, gets 404."""
    item = object_for(request.user, EvidenceItem.objects.all(), pk=pk)
    try:
        handle = default_store().open(item.sha256)
    except FileNotFoundError:
        raise Http404 from None  # `vigie evidence verify` names the missing file
    try:
        with transaction.atomic():
            record_read(item, request.user, "download")
            record_custody(item, CustodyAction.VIEWED, request.user, note=_("downloaded"))
    except BaseException:
        handle.close()
        raise
    response = FileResponse(
        handle, as_attachment=True, filename=item.download_name, content_type=item.media_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# -- receiving uploads ------------------------------------------------------------------------------


class IncomingUpload(UploadedFile):
    """An uploaded file kept in the evidence store's ``incoming/`` directory until the service takes it."""

    def __init__(self, directory: Path, name, content_type, size, charset, content_type_extra=None):
        handle = tempfile.NamedTemporaryFile(prefix="upload-", suffix=".part", dir=directory)
        super().__init__(handle, name, content_type, size, charset, content_type_extra)

    def temporary_file_path(self) -> str:
        return self.file.name

    def close(self):
        with contextlib.suppress(FileNotFoundError):
            return self.file.close()


class EvidenceUploadHandler(FileUploadHandler):
    """Writes each uploaded file into the store's ``incoming/``; drops one that passes the size limit
    while it arrives (``request.evidence_too_large`` says so) and reads the rest of the request on."""

    def __init__(self, request, directory: Path, max_bytes: int):
        super().__init__(request)
        self.directory = directory
        self.max_bytes = max_bytes
        request.evidence_too_large = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.file = IncomingUpload(
            self.directory,
            self.file_name,
            self.content_type,
            0,
            self.charset,
            self.content_type_extra,
        )

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.request.evidence_too_large = True
            raise SkipFile  # Django closes (so deletes) the partial file and skips the rest of it
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.file.seek(0)
        self.file.size = file_size
        return self.file

    def upload_interrupted(self):
        if hasattr(self, "file"):
            self.file.close()


def _use_evidence_upload_handler(request) -> None:
    store = default_store()
    directory = private_dir(store.root / INCOMING_DIR)
    request.upload_handlers = [EvidenceUploadHandler(request, directory, store.max_bytes)]


def _close_uploads(request) -> None:
    for upload in request.FILES.values():
        upload.close()


# -- helpers ----------------------------------------------------------------------------------------


def _case_or_404(request, case_pk: int) -> Case:
    return object_for(request.user, Case.objects.select_related("organisation"), pk=case_pk)


def _item_or_404(request, pk: int) -> EvidenceItem:
    return object_for(
        request.user,
        EvidenceItem.objects.select_related(
            "case", "captured_place", "derived_from", "received_by"
        ),
        pk=pk,
    )


def _refusal(error: Exception) -> str:
    return _("The file was refused: %(reason)s. Nothing was stored.") % {
        "reason": str(error).rstrip(".")
    }


def _receive(
    request, case: Case, form, derived_from: EvidenceItem | None = None
) -> tuple[object, str]:
    """(the intake, "") when the file was received; (None, why) otherwise. Nothing is stored on a refusal."""
    upload = request.FILES.get("file")
    if getattr(request, "evidence_too_large", False):
        return None, _refusal(
            _("the file is larger than the limit of %(limit)s")
            % {"limit": human_size(default_store().max_bytes)}
        )
    if upload is None:
        return None, _("Choose a file to send.")
    if not form.is_valid():
        return None, _("Correct the details below; the file was not stored.")
    metadata = form.metadata()
    try:
        if derived_from is None:
            intake = add_evidence(case, upload, upload.name, metadata, request.user)
        else:
            intake = add_evidence(
                case,
                upload,
                upload.name,
                metadata,
                request.user,
                derived_from=derived_from,
                transformation=form.cleaned_data["transformation"],
            )
    except EvidenceError as error:
        return None, _refusal(error)
    return intake, ""


def _received_message(request, intake) -> None:
    item = intake.item
    if intake.created:
        messages.success(
            request,
            _("Evidence %(id)d is stored. Its SHA-256 is %(hash)s.")
            % {"id": item.pk, "hash": item.sha256},
        )
    else:
        messages.warning(
            request,
            _(
                "This case already holds these bytes (evidence %(id)d): no copy was made, and a "
                "second “received” event was added to its chain of custody."
            )
            % {"id": item.pk},
        )


# -- receiving a file into a case ------------------------------------------------------------------


@login_required
@csrf_exempt  # the token is checked by _evidence_add, once the upload handler is in place
def evidence_add(request, case_pk: int):
    case = _case_or_404(request, case_pk)  # 404, or 403, before the request's body is read
    if not permissions.may(request.user, EvidenceItem, "add", case.organisation_id):
        return forbidden(request, _("Your role does not allow you to add evidence to this case."))
    if request.method == "POST":
        _use_evidence_upload_handler(request)
    try:
        return _evidence_add(request, case_pk)
    finally:
        if request.method == "POST":
            _close_uploads(request)


@csrf_protect
@never_cache
def _evidence_add(request, case_pk: int):
    case = _case_or_404(request, case_pk)
    if not permissions.may(request.user, EvidenceItem, "add", case.organisation_id):
        return forbidden(request, _("Your role does not allow you to add evidence to this case."))
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form = EvidenceForm(
        request.POST if request.method == "POST" else None, organisation_id=case.organisation_id
    )
    problem = ""
    if request.method == "POST":
        try:
            intake, problem = _receive(request, case, form)
        except PermissionDenied:
            return forbidden(
                request, _("Your role does not allow you to add evidence to this case.")
            )
        if intake is not None:
            _received_message(request, intake)
            return redirect("evidence:evidence_detail", pk=intake.item.pk)
    return render(
        request,
        "evidence/evidence_add.html",
        {
            "case": case,
            "form": form,
            "problem": problem,
            "max_size": human_size(default_store().max_bytes),
        },
    )


@login_required
@csrf_exempt  # the token is checked by _evidence_derive, once the upload handler is in place
def evidence_derive(request, pk: int):
    original = _item_or_404(request, pk)
    if not permissions.may(request.user, EvidenceItem, "add", original.organisation_id):
        return forbidden(request, _("Your role does not allow you to add evidence to this case."))
    if request.method == "POST":
        _use_evidence_upload_handler(request)
    try:
        return _evidence_derive(request, pk)
    finally:
        if request.method == "POST":
            _close_uploads(request)


@csrf_protect
@never_cache
def _evidence_derive(request, pk: int):
    original = _item_or_404(request, pk)
    if not permissions.may(request.user, EvidenceItem, "add", original.organisation_id):
        return forbidden(request, _("Your role does not allow you to add evidence to this case."))
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form = DerivedEvidenceForm(
        request.POST if request.method == "POST" else None, organisation_id=original.organisation_id
    )
    problem = ""
    if request.method == "POST":
        try:
            intake, problem = _receive(request, original.case, form, derived_from=original)
        except PermissionDenied:
            return forbidden(
                request, _("Your role does not allow you to add evidence to this case.")
            )
        if intake is not None:
            _received_message(request, intake)
            return redirect("evidence:evidence_detail", pk=intake.item.pk)
    return render(
        request,
        "evidence/evidence_derive.html",
        {
            "item": original,
            "case": original.case,
            "form": form,
            "problem": problem,
            "max_size": human_size(default_store().max_bytes),
        },
    )


# -- one piece of evidence --------------------------------------------------------------------------


@never_cache
@login_required
def evidence_detail(request, pk: int):
    item = _item_or_404(request, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    user = request.user
    record_read(item, user, "evidence page")
    derivatives = list(item.derivatives.visible_to(user).order_by("pk"))
    derived_from = (
        item.derived_from
        if item.derived_from_id and permissions.can(user, item.derived_from)
        else None
    )
    return render(
        request,
        "evidence/evidence_detail.html",
        {
            "item": item,
            "case": item.case,
            "derived_from": derived_from,
            "derivatives": derivatives,
            "custody": list(item.custody.select_related("actor").order_by("time", "id")),
            "may_add": permissions.may(user, EvidenceItem, "add", item.organisation_id),
        },
    )


@login_required
def evidence_verify(request, pk: int):
    item = _item_or_404(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return _verify(request, item)


def _verify(request, item: EvidenceItem):
    if verify_item(item, request.user):
        messages.success(
            request,
            _(
                "The stored file matches its SHA-256: a “verified” event was added to its chain "
                "of custody."
            ),
        )
    else:
        messages.error(
            request,
            _(
                "The stored file does NOT match the SHA-256 recorded on receipt, or it is missing. "
                "Do not use it: tell the person who runs Vigie, who will run “vigie evidence verify” "
                "and restore the file from the backup."
            ),
        )
    return redirect("evidence:evidence_detail", pk=item.pk)


# -- a case's bundle --------------------------------------------------------------------------------


def _outgoing_directory() -> Path:
    """Bundles are written beside the evidence (same disk, same protection), and removed once sent."""
    return private_dir(Path(settings.VIGIE_EVIDENCE_DIR) / "outgoing")


@never_cache
@login_required
def evidence_bundle(request, case_pk: int):
    case = _case_or_404(request, case_pk)
    user = request.user
    if not permissions.may(user, EvidenceItem, "view", case.organisation_id):
        return forbidden(request, _("Your role does not allow you to export this case's evidence."))
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    items = EvidenceItem.objects.filter(case=case).visible_to(user).count()
    if request.method == "POST":
        return _bundle(request, case)
    return render(request, "evidence/bundle.html", {"case": case, "items": items})


def _bundle(request, case: Case):
    include_personal = request.POST.get("include_personal") == "1"
    directory = Path(tempfile.mkdtemp(prefix="bundle-", dir=_outgoing_directory()))
    path = directory / f"case-{case.pk}-evidence.zip"
    try:
        try:
            result = export_bundle(case, path, request.user, include_personal=include_personal)
        except BundleError as error:
            messages.error(request, _("Nothing was exported: %(reason)s") % {"reason": error})
            return redirect("evidence:evidence_bundle", case_pk=case.pk)
        except PermissionDenied:
            return forbidden(
                request, _("Your role does not allow you to export this case's evidence.")
            )
        handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    finally:
        shutil.rmtree(directory, ignore_errors=True)  # the open handle still reads the file
    messages.info(
        request,
        _(
            "The bundle of case %(reference)s was exported (%(items)d files). Write down the SHA-256 "
            "of its manifest.json, apart from the bundle: %(hash)s"
        )
        % {"reference": case.reference, "items": result.items, "hash": result.manifest_sha256},
    )
    day = timezone.localdate().isoformat()
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"case-{case.pk}-evidence-{day}.zip",
        content_type="application/zip",
    )
    response["X-Vigie-Manifest-SHA256"] = result.manifest_sha256
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
