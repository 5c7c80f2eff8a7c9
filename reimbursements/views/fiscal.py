"""Fiscal staff's pages: the claims queue, one claim, board payments, the accounting import and the export.

Every read goes through ``policies`` (via ``fiscal_selectors``): anyone who is not fiscal staff
gets a 404. Every change to a payment goes through ``services``, which records it in the audit log.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from placements.views import FAILED, run_on_form
from portal import business_days
from portal.spreadsheets import csv_safe

from .. import fiscal_selectors, policies, services
from ..models import BoardPayment, Claim
from ..staff_forms import CLAIM_ACTIONS, BoardFilterForm, BoardMoveForm, BulkClaimsForm, ExportForm, ImportForm, QueueFilterForm

QUEUE_PAGE_SIZE = 50
BOARD_PAGE_SIZE = 100
PREVIEW_ROWS_SHOWN = 200


def _fiscal_only(user) -> None:
    if not policies.is_fiscal(user):
        raise Http404


def _refs(items) -> str:
    return ", ".join(item.reference for item in items)


# --- The queue ------------------------------------------------------------------------------


def _report_bulk(request, action: str, result: services.BulkResult) -> None:
    if result.done:
        text = (
            ngettext("Took %(count)s claim: %(refs)s.", "Took %(count)s claims: %(refs)s.", len(result.done))
            if action == "take"
            else ngettext("Approved %(count)s claim: %(refs)s.", "Approved %(count)s claims: %(refs)s.", len(result.done))
        )
        messages.success(request, text % {"count": len(result.done), "refs": _refs(result.done)})
    for claim, why in result.refused:
        messages.error(request, _("%(ref)s was not changed: %(why)s") % {"ref": claim.reference, "why": why})


@login_required
@require_http_methods(["GET", "POST"])
def queue(request):
    """Claims waiting on fiscal staff, the soonest ledger deadline first; take or approve many at once."""
    _fiscal_only(request.user)
    now = timezone.now()
    if request.method == "POST":
        bulk = BulkClaimsForm(request.POST, claims=policies.staff_claims(request.user))
        if bulk.is_valid():
            action = bulk.cleaned_data["action"]
            try:
                result = services.act_on_claims(actor=request.user, claims=list(bulk.cleaned_data["claims"].order_by("pk")), action=action, now=now)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            else:
                _report_bulk(request, action, result)
        else:
            for errors in bulk.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect(request.get_full_path())
    filters = QueueFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    claims = fiscal_selectors.queue_claims(
        request.user,
        status=criteria.get("status") or "",
        kind=criteria.get("kind") or "",
        clerk=criteria.get("clerk"),
        mine=bool(criteria.get("mine")),
    )
    page = Paginator(claims, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reimbursements/staff_queue.html",
        {
            "filters": filters,
            "page": page,
            "rows": fiscal_selectors.queue_rows(page.object_list, now=now),
            "bulk": BulkClaimsForm(),
            "query": query.urlencode(),
            "now": now,
        },
    )


# --- One claim ------------------------------------------------------------------------------


def _claim_forms(claim: Claim, user) -> list[str]:
    """The actions that make sense for the claim as it stands (the service still decides)."""
    available = []
    if claim.status in Claim.WITH_FISCAL:
        if claim.status == Claim.Status.SUBMITTED or claim.clerk_id != user.pk:
            available.append("take")
        available += ["info", "approve", "deny"]
    if claim.status == Claim.Status.APPROVED:
        available.append("paid")
        if claim.kind == Claim.Kind.CLOTHING:
            available.append("amount")
    if claim.status in Claim.OPEN:
        available.append("reassign")
    return available


def _run_claim_action(user, claim: Claim, action: str, data: dict, now):
    if action == "take":
        return services.take_claim(actor=user, claim=claim, now=now)
    if action == "reassign":
        return services.reassign_claim(actor=user, claim=claim, to=data["to"], note=data["note"], now=now)
    if action == "info":
        return services.ask_for_information(actor=user, claim=claim, reason=data["reason"], note=data["note"], now=now)
    if action == "approve":
        return services.approve_claim(actor=user, claim=claim, amount=data["amount"], note=data["note"], now=now)
    if action == "deny":
        return services.deny_claim(actor=user, claim=claim, reason=data["reason"], note=data["note"], now=now)
    if action == "amount":
        return services.set_allowance_amount(actor=user, claim=claim, amount=data["amount"], note=data["note"], now=now)
    return services.mark_claim_paid(actor=user, claim=claim, paid_on=data["paid_on"], payment_number=data["payment_number"], now=now)


DONE = {
    "take": gettext_lazy("You are reviewing this claim now. The family sees it is being reviewed."),
    "reassign": gettext_lazy("Handed over. The promise and its deadline went with it."),
    "info": gettext_lazy("Sent back to the family with what is needed. The deadline stops until they send it again."),
    "approve": gettext_lazy("Approved. The payment is now promised within its standard."),
    "deny": gettext_lazy("Not approved. The family is told why and how to appeal."),
    "paid": gettext_lazy("Marked paid. The family sees the date and number."),
    "amount": gettext_lazy("The clothing allowance amount is set. The family sees it."),
}


@login_required
@require_http_methods(["GET", "POST"])
def claim(request, pk):
    """One claim: what was claimed, the receipts, the history, the ledger's promise and what can be done next."""
    _fiscal_only(request.user)
    now = timezone.now()
    item = fiscal_selectors.staff_claim(request.user, pk)
    forms = {name: form_class(prefix=name) for name, form_class in CLAIM_ACTIONS.items()}
    action = request.POST.get("action", "")
    if request.method == "POST":
        if action not in CLAIM_ACTIONS:
            messages.error(request, _("Choose what to do with the claim."))
            return redirect("reimbursements:staff_claim", item.pk)
        form = forms[action] = CLAIM_ACTIONS[action](request.POST, prefix=action)
        if form.is_valid():
            result = run_on_form(form, lambda: _run_claim_action(request.user, item, action, form.cleaned_data, now))
            if result is not FAILED:
                messages.success(request, DONE[action])
                return redirect("reimbursements:staff_claim", item.pk)
            item = fiscal_selectors.staff_claim(request.user, pk)  # a colleague may have acted meanwhile: show it as it is now
    available = _claim_forms(item, request.user)
    if action and action not in available:
        available.append(action)  # the refused form stays, with its message and what was typed
    return render(
        request,
        "reimbursements/staff_claim.html",
        {
            "claim": item,
            "history": fiscal_selectors.claim_history(item),
            "commitment": fiscal_selectors.claim_commitment(item),
            "available": available,
            "forms": forms,
            "now": now,
        },
    )


# --- Board payments -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def board_payments(request):
    """Board payments by month and status; approve, send, hold, release or mark returned many at once."""
    _fiscal_only(request.user)
    filters = BoardFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    payments = fiscal_selectors.board_payments(request.user, month=criteria.get("month"), status=criteria.get("status") or "")
    move = BoardMoveForm(request.POST or None, payments=policies.staff_board_payments(request.user))
    if request.method == "POST" and move.is_valid():
        data = move.cleaned_data
        moved = run_on_form(
            move,
            lambda: services.move_board_payments(actor=request.user, payments=list(data["payments"]), to=data["to"], reason=data["reason"]),
        )
        if moved is not FAILED:
            messages.success(
                request,
                ngettext("%(count)s payment is now “%(status)s”.", "%(count)s payments are now “%(status)s”.", moved)
                % {"count": moved, "status": BoardPayment.Status(data["to"]).label},
            )
            detail = request.POST.get("detail", "")
            if detail.isdigit():  # changed from the payment's own page: back there
                return redirect("reimbursements:staff_board", int(detail))
            return redirect(request.get_full_path())
    page = Paginator(payments, BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reimbursements/staff_board_payments.html",
        {
            "filters": filters,
            "page": page,
            "move": move,
            "checked": set(request.POST.getlist("payments")) if request.method == "POST" else set(),
            "today": business_days.local_date(timezone.now()),
            "query": query.urlencode(),
        },
    )


@login_required
def board_payment(request, pk):
    _fiscal_only(request.user)
    payment = fiscal_selectors.staff_board_payment(request.user, pk)
    return render(
        request,
        "reimbursements/staff_board_payment.html",
        {"payment": payment, "history": fiscal_selectors.board_history(payment), "move": BoardMoveForm(initial={"payments": [payment.pk]})},
    )


# --- Accounting import ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Upload the accounting system's CSV of payments; nothing changes until the preview is applied."""
    _fiscal_only(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch, _preview = services.upload_import(actor=request.user, name=upload.name, raw=upload.read())
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            return redirect("reimbursements:import_preview", batch.pk)
    return render(request, "reimbursements/staff_import.html", {"form": form, "imports": fiscal_selectors.recent_imports(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request, pk):
    """What the file will change, each bad row with its line and error, and the button that applies it all or nothing."""
    _fiscal_only(request.user)
    batch = fiscal_selectors.staff_import(request.user, pk)
    if request.method == "POST":
        try:
            changed = services.apply_import(actor=request.user, batch=batch)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request,
                ngettext("Applied: %(count)s payment marked paid.", "Applied: %(count)s payments marked paid.", changed) % {"count": changed}
                if changed
                else _("Applied: every row was already recorded, so nothing changed."),
            )
        return redirect("reimbursements:import_preview", batch.pk)
    preview = fiscal_selectors.import_preview(batch, now=timezone.now())
    bad = preview.bad
    to_pay = preview.to_pay
    return render(
        request,
        "reimbursements/staff_import_preview.html",
        {
            "batch": batch,
            "preview": preview,
            "bad": bad[:PREVIEW_ROWS_SHOWN],
            "bad_count": len(bad),
            "to_pay": to_pay[:PREVIEW_ROWS_SHOWN],
            "to_pay_count": len(to_pay),
            "already_count": len(preview.already),
            "shown": PREVIEW_ROWS_SHOWN,
        },
    )


# --- Export ---------------------------------------------------------------------------------

class _Echo:
    def write(self, value):
        return value


@login_required
def export(request):
    """Claims and board payments of a period as CSV for the accounting system."""
    _fiscal_only(request.user)
    form = ExportForm(request.GET if "since" in request.GET else None)
    if form.is_valid():
        data = form.cleaned_data
        writer = csv.writer(_Echo())
        rows = fiscal_selectors.export_rows(request.user, what=data["what"], since=data["since"], until=data["until"])
        lines = (writer.writerow([csv_safe(cell) for cell in row]) for row in _with_header(rows))
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="payments-{data["what"]}-{data["since"]:%Y-%m-%d}-{data["until"]:%Y-%m-%d}.csv"'
        return response
    return render(request, "reimbursements/staff_export.html", {"form": form})


def _with_header(rows):
    yield fiscal_selectors.EXPORT_HEADER
    yield from rows
