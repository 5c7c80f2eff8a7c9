import pytest

from messaging.models import ContactRecord
from portal.followups.services import open_commitment


@pytest.fixture
def open_promise(db, household, caseworker):
    """A promise to call the Garcia family back, opened on a given day."""

    def make(received_at, *, owner=None, standard="return-call", now=None):
        record = ContactRecord.objects.create(
            household=household, kind=ContactRecord.Kind.CALL, received_at=received_at, summary="Please call", recorded_by=owner or caseworker
        )
        return open_commitment(
            standard=standard, subject=record, owner=owner or caseworker, household=household, received_at=received_at, now=now or received_at
        )

    return make
