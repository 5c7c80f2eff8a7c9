"""Form fields the whole portal shares."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

LARGEST_ID = 2**63 - 1  # the largest id PostgreSQL's bigint and SQLite's integer can hold


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, but an id too large for the database is an invalid choice, not a database error.

    Django turns "abc" into its "not a valid value" message; a checkbox value edited to
    100000000000000000000 would instead reach the database, which cannot even compare it.
    """

    def _check_values(self, value):
        for pk in value or ():
            try:
                number = int(str(pk).strip())
            except ValueError:
                continue  # Django's own check answers for what is not a number at all
            if not 0 <= number <= LARGEST_ID:
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk})
        return super()._check_values(value)
