"""Uploaded files: stored outside what the web server serves, under random names, and handed back only through a view,
as a download or a sandboxed file that is never cached and never sniffed into something else."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from messaging.models import Attachment
from placements.events.models import ObservationFile
from portal.management.commands._demo_reimbursements import RECEIPT_JPEG
from reimbursements.models import Receipt

pytestmark = pytest.mark.django_db

RANDOM_NAME = re.compile(r"^private/(messaging|receipts|observations)/[0-9a-f]{32}$")


def _files(agency) -> dict[str, tuple[str, object]]:
    args = agency["args"]
    return {
        "attachment": (reverse("messaging:attachment", args=args["attachment"]), Attachment.objects.get(pk=args["attachment"][0])),
        "receipt": (reverse("reimbursements:receipt", args=args["receipt"]), Receipt.objects.get(pk=args["receipt"][1])),
        "observation": (reverse("events:observation_file", args=args["observation_file"]), ObservationFile.objects.get(pk=args["observation_file"][0])),
    }


def test_every_upload_is_stored_privately_under_a_random_name_and_served_with_safe_headers(client, agency):
    client.force_login(agency["people"]["parent"])
    media = Path(settings.MEDIA_ROOT).resolve()
    assert not any(media.is_relative_to(Path(folder).resolve()) for folder in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS])
    for label, (url, stored) in _files(agency).items():
        assert RANDOM_NAME.match(stored.file.name), f"{label}: stored as {stored.file.name}"
        assert stored.name not in stored.file.name  # the name the family gave lives in a column only
        response = client.get(url)
        assert response.status_code == 200, label
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment" if stored.content_type == "application/pdf" else "inline"), label
        assert stored.name in disposition, label
        assert response["X-Content-Type-Options"] == "nosniff", label
        assert response["Cache-Control"] == "private, no-store", label
        assert "sandbox" in response["Content-Security-Policy"] and "default-src 'none'" in response["Content-Security-Policy"], label
        b"".join(response.streaming_content)
        # The stored path is not an address the portal answers.
        assert client.get(f"/{stored.file.name}").status_code == 404
        assert client.get(f"{settings.MEDIA_URL}{stored.file.name}").status_code == 404


def test_a_file_is_checked_by_content_size_and_count(client, agency, settings):
    client.force_login(agency["people"]["parent"])
    url = reverse("messaging:thread", args=agency["args"]["thread"])

    def reply(files):
        return client.post(url, {"body": "Here they are", "submission_key": uuid.uuid4(), "attachments": files})

    before = Attachment.objects.count()
    disguised = reply([SimpleUploadedFile("receipt.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")])
    assert "is not a PDF, JPEG or PNG file" in disguised.content.decode()
    settings.PORTAL_ATTACHMENT_MAX_BYTES = 1024
    too_big = reply([SimpleUploadedFile("photo.jpg", RECEIPT_JPEG + b"\0" * 2048, content_type="image/jpeg")])
    assert "files can be up to" in too_big.content.decode()
    settings.PORTAL_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    six = reply([SimpleUploadedFile(f"photo{n}.jpg", RECEIPT_JPEG, content_type="image/jpeg") for n in range(6)])
    assert "Attach up to 5 files to one message." in six.content.decode()
    assert Attachment.objects.count() == before  # nothing half-kept from any of the three
    assert "Here they are" in six.content.decode()  # what was typed is kept
