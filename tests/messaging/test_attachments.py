"""Attachments are checked by what they contain, kept small, and served only to the people in the conversation.

A file that breaks a rule is a clear message on the page, with the typed message kept:
never a 500, never a half-sent message.
"""

import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from messaging import services
from messaging.models import Attachment, Message, Thread, Topic

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb\x00C\x00" + bytes(64) + b"\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)

TYPED = "Here is the receipt for Maya's shoes — $42.17"


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def conversation(resource_parent, child):
    return services.start_thread(
        household=resource_parent.household, topic=Topic.CHILD, about=child, subject="Shoes",
        body="Can we be reimbursed for shoes?", author=resource_parent, now=timezone.now() - timedelta(hours=1),
    )


def _reply(client, thread, files, body=TYPED):
    return client.post(
        reverse("messaging:thread", args=[thread.pk]),
        {"body": body, "submission_key": uuid.uuid4(), "attachments": files},
    )


@pytest.mark.parametrize(
    "name, content, content_type, disposition",
    [
        ("receipt.pdf", PDF, "application/pdf", "attachment"),
        ("receipt.png", PNG, "image/png", "inline"),
        ("receipt.jpg", JPEG, "image/jpeg", "inline"),
        ("RECEIPT.JPEG", JPEG, "image/jpeg", "inline"),
    ],
)
def test_a_real_file_is_accepted_and_downloadable_by_the_people_in_the_conversation_only(
    client, conversation, resource_parent, caseworker, other_family, colleague, name, content, content_type, disposition
):
    client.force_login(resource_parent)
    response = _reply(client, conversation, [upload(name, content, "application/octet-stream")])
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.content_type, attachment.size) == (name, content_type, len(content))
    assert attachment.message.body == TYPED
    url = reverse("messaging:attachment", args=[attachment.pk])

    # The family's own page links to it.
    assert url in client.get(reverse("messaging:thread", args=[conversation.pk])).content.decode()

    for person in (resource_parent, caseworker):
        client.force_login(person)
        download = client.get(url)
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == content
        assert download["Content-Type"] == content_type
        assert download["Content-Disposition"].startswith(disposition)
        assert download["Cache-Control"] == "private, no-store"
        assert "sandbox" in download["Content-Security-Policy"]
    for person in (other_family, colleague):
        client.force_login(person)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_the_uploaded_name_never_becomes_a_path(client, conversation, resource_parent):
    client.force_login(resource_parent)
    _reply(client, conversation, [upload("../../settings/receipt.png", PNG)])
    attachment = Attachment.objects.get()
    assert attachment.name == "receipt.png"
    assert attachment.file.name.startswith("private/messaging/") and ".." not in attachment.file.name
    assert "receipt" not in attachment.file.name


def test_a_staff_reply_can_carry_a_file_for_the_family(client, conversation, resource_parent, caseworker):
    client.force_login(caseworker)
    assert _reply(client, conversation, [upload("form.pdf", PDF)], body="Dear Mrs. Garcia, the form.").status_code == 302
    client.force_login(resource_parent)
    attachment = Attachment.objects.get()
    assert client.get(reverse("messaging:attachment", args=[attachment.pk])).status_code == 200


BAD_FILES = [
    pytest.param([("setup.pdf", EXE)], "is not a PDF, JPEG or PNG file", id="program-renamed-pdf"),
    pytest.param([("scan.pdf", PNG)], "does not contain what its name says", id="png-named-pdf"),
    pytest.param([("photo.jpg", PDF)], "does not contain what its name says", id="pdf-named-jpg"),
    pytest.param([("notes.txt", b"just some text")], "is not a PDF, JPEG or PNG file", id="text-file"),
    pytest.param([("empty.pdf", b"")], "is empty", id="empty-file"),
    pytest.param([(f"page{i}.png", PNG) for i in range(6)], "Attach up to 5 files", id="six-files"),
    pytest.param([("ok.png", PNG), ("setup.pdf", EXE)], "is not a PDF, JPEG or PNG file", id="one-good-one-bad"),
]


@pytest.mark.parametrize("files, error", BAD_FILES)
def test_a_bad_file_is_a_clear_message_the_text_is_kept_and_nothing_is_stored(client, conversation, resource_parent, files, error):
    client.force_login(resource_parent)
    before = (Message.objects.count(), Attachment.objects.count())
    response = _reply(client, conversation, [upload(name, content) for name, content in files])
    assert response.status_code == 200
    page = response.content.decode()
    assert error in page
    assert "Here is the receipt for Maya&#x27;s shoes — $42.17</textarea>" in page
    assert (Message.objects.count(), Attachment.objects.count()) == before


def test_a_file_over_the_limit_is_refused_with_the_limit(client, conversation, resource_parent, settings):
    settings.PORTAL_ATTACHMENT_MAX_BYTES = 100
    client.force_login(resource_parent)
    response = _reply(client, conversation, [upload("big.pdf", PDF + bytes(200))])
    assert response.status_code == 200
    page = response.content.decode()
    assert "files can be up to 100\xa0bytes" in page or "files can be up to 100 bytes" in page
    assert "Here is the receipt for Maya&#x27;s shoes — $42.17</textarea>" in page
    assert Message.objects.count() == 1 and not Attachment.objects.exists()


def test_a_file_just_under_the_limit_is_accepted(client, conversation, resource_parent, settings):
    settings.PORTAL_ATTACHMENT_MAX_BYTES = len(PNG)
    client.force_login(resource_parent)
    assert _reply(client, conversation, [upload("ok.png", PNG)]).status_code == 302
    assert Attachment.objects.count() == 1


def test_five_files_are_accepted(client, conversation, resource_parent):
    client.force_login(resource_parent)
    assert _reply(client, conversation, [upload(f"page{i}.png", PNG) for i in range(5)]).status_code == 302
    assert Attachment.objects.count() == 5


@pytest.mark.parametrize("files, error", BAD_FILES[:2] + BAD_FILES[4:6])
def test_a_bad_file_on_a_new_conversation_starts_nothing_and_keeps_the_text(client, resource_parent, child, files, error):
    client.force_login(resource_parent)
    response = client.post(
        reverse("messaging:new"),
        {
            "about": f"child:placements.child:{child.pk}",
            "subject": "Shoes",
            "body": TYPED,
            "submission_key": uuid.uuid4(),
            "attachments": [upload(name, content) for name, content in files],
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert error in page
    assert "Here is the receipt for Maya&#x27;s shoes — $42.17</textarea>" in page
    assert not Thread.objects.exists() and not Attachment.objects.exists()


def test_a_new_conversation_with_a_photo_keeps_it(client, resource_parent, child):
    client.force_login(resource_parent)
    response = client.post(
        reverse("messaging:new"),
        {
            "about": f"child:placements.child:{child.pk}",
            "subject": "Shoes",
            "body": TYPED,
            "submission_key": uuid.uuid4(),
            "attachments": [upload("receipt.jpg", JPEG)],
        },
    )
    assert response.status_code == 302
    assert Attachment.objects.get().message.thread == Thread.objects.get()
