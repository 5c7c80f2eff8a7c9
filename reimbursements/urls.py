from django.urls import path

from .views import dashboard, family, fiscal

app_name = "reimbursements"

urlpatterns = [
    # The family's money: board payments, the clothing allowance, claims, monthly statements.
    path("", family.money, name="family_money"),
    path("claims/new/", family.new_claim, name="new_claim"),
    path("claims/<int:pk>/", family.claim, name="claim"),
    path("claims/<int:pk>/receipts/<int:receipt_pk>/", family.receipt, name="receipt"),
    path("statement/<int:year>/<int:month>/", family.statement, name="statement"),
    # Fiscal staff.
    path("fiscal/", fiscal.queue, name="fiscal_queue"),
    path("fiscal/claims/<int:pk>/", fiscal.claim, name="staff_claim"),
    path("fiscal/board/", fiscal.board_payments, name="board_payments"),
    path("fiscal/board/<int:pk>/", fiscal.board_payment, name="staff_board"),
    path("fiscal/import/", fiscal.import_upload, name="import_upload"),
    path("fiscal/import/<int:pk>/", fiscal.import_preview, name="import_preview"),
    path("fiscal/export/", fiscal.export, name="export"),
    path("fiscal/patterns/", dashboard.patterns_page, name="patterns"),
]
