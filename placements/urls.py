from django.urls import path

from . import views

app_name = "placements"
urlpatterns = [
    # The family.
    path("", views.children, name="children"),
    path("<int:pk>/", views.child, name="child"),
    path("<int:pk>/read/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/items/<int:item_pk>/", views.item, name="item"),
    path("<int:pk>/summary/", views.summary, name="summary"),
    path("<int:pk>/who-looked/", views.activity, name="activity"),
    path("past/<int:pk>/", views.past_child, name="past_child"),
    path("needs/<int:pk>/", views.answer_need, name="answer_need"),
    # A respite provider, through a private link.
    path("respite/<str:token>/", views.respite, name="respite"),
    # Staff.
    path("staff/", views.disclosures, name="disclosures"),
    path("staff/completeness/", views.completeness, name="completeness"),
    path("staff/add-child/", views.add_child, name="add_child"),
    path("staff/place/", views.place, name="place"),
    path("staff/<int:pk>/", views.staff_child, name="staff_child"),
    path("staff/<int:pk>/medication/", views.medication_sorted, name="medication_sorted"),
    path("staff/<int:pk>/end/", views.end, name="end"),
    path("staff/<int:pk>/dates/", views.correct_dates, name="correct_dates"),
    path("staff/<int:pk>/respite/", views.respite_access, name="respite_access"),
    path("staff/<int:pk>/needs/", views.propose_need, name="propose_need"),
    path("staff/items/<int:pk>/", views.edit_item, name="edit_item"),
    path("staff/respite/<int:pk>/end/", views.revoke_respite, name="revoke_respite"),
    path("staff/needs/<int:pk>/share/", views.share_need, name="share_need"),
    path("staff/needs/<int:pk>/outcome/", views.need_outcome, name="need_outcome"),
]
