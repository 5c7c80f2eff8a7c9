"""Checks an uploaded file by what it contains, not by what its name says.

Families send photos of receipts and prescriptions and scanned forms: PDF, JPEG and PNG.
Receipts may also be HEIC photos (an iPhone's camera default) when the caller allows it.
Anything else, anything larger than the limit, or a file whose content does not match its
name (a program renamed to .pdf) is refused with a message that says which rule it broke.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# The first bytes of each accepted type, and the names such a file may carry.
_SIGNATURES = {
    "application/pdf": (b"%PDF-", {".pdf"}),
    "image/png": (b"\x89PNG\r\n\x1a\n", {".png"}),
    "image/jpeg": (b"\xff\xd8\xff", {".jpg", ".jpeg"}),
}
# HEIC/HEIF photos are ISO-BMFF files: bytes 4..12 name the brand ("ftyp" + brand).
_HEIC_BRANDS = {
    b"ftypheic": "image/heic",
    b"ftypheix": "image/heic",
    b"ftyphevc": "image/heic",
    b"ftypmif1": "image/heif",
}
_HEIC_EXTENSIONS = {".heic", ".heif"}
MAX_ATTACHMENTS = 5


@dataclass(frozen=True)
class CheckedFile:
    file: object
    name: str
    content_type: str
    size: int


def check_attachment(upload, *, allow_heic: bool = False) -> CheckedFile:
    name = PurePath(upload.name or "").name[:200] or "attachment"
    limit = settings.PORTAL_ATTACHMENT_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; files can be up to %(limit)s. A photo at a lower resolution usually fits.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    extension = PurePath(name).suffix.lower()
    for content_type, (signature, extensions) in _SIGNATURES.items():
        if head.startswith(signature):
            if extension not in extensions:
                raise ValidationError(
                    _("“%(name)s” does not contain what its name says. Please check the file and attach it again.")
                    % {"name": name}
                )
            return CheckedFile(file=upload, name=name, content_type=content_type, size=upload.size)
    if allow_heic:
        content_type = _HEIC_BRANDS.get(head[4:12])
        if content_type is not None:
            if extension not in _HEIC_EXTENSIONS:
                raise ValidationError(
                    _("“%(name)s” does not contain what its name says. Please check the file and attach it again.")
                    % {"name": name}
                )
            return CheckedFile(file=upload, name=name, content_type=content_type, size=upload.size)
        raise ValidationError(
            _("“%(name)s” is not a PDF, JPEG, PNG or HEIC file. Please send a photo or a PDF.") % {"name": name}
        )
    raise ValidationError(
        _("“%(name)s” is not a PDF, JPEG or PNG file. Please send a photo or a PDF.") % {"name": name}
    )
