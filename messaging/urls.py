from django.urls import path

from . import views

app_name = "messaging"
urlpatterns = [
    path("", views.family_home, name="family_home"),
    path("inbox/", views.inbox, name="inbox"),
    path("team/", views.team_inbox, name="team"),
    path("new/", views.new_thread, name="new"),
    path("<int:pk>/", views.thread, name="thread"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/bring-in/", views.bring_in, name="bring_in"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/rate/", views.rate, name="rate"),
    path("<int:pk>/archive/", views.archive, name="archive"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path("your-team/", views.your_team, name="your_team"),
    path("call-me/", views.request_callback, name="request_callback"),
    path("call-me/<int:pk>/cancel/", views.withdraw_callback, name="withdraw_callback"),
    path("callbacks/<int:pk>/", views.callback, name="callback"),
    path("saved-replies/", views.saved_replies, name="saved_replies"),
    path("saved-replies/<int:pk>/", views.saved_reply, name="saved_reply"),
    path("calls-and-letters/new/", views.record_contact, name="record_contact"),
]
