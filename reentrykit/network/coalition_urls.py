from django.urls import path

from reentrykit.network import coaching_views, comment_views, views

app_name = "coalition_network"

urlpatterns = [
    path("", views.coalition_networks, name="networks"),
    path("coaching/", coaching_views.coaching, name="coaching"),
    path("coaching/new/", coaching_views.session_new, name="session_new"),
    path("coaching/<int:session_id>/", coaching_views.session, name="session"),
    path("coaching/items/<int:item_id>/", coaching_views.item_mark, name="item_mark"),
    path(
        "coaching/requests/<int:request_id>/answer/",
        coaching_views.request_answer,
        name="request_answer",
    ),
    path("comments/<slug:area>/", comment_views.comment_add, name="comment_add"),
    path(
        "comments/<int:comment_id>/delete/",
        comment_views.comment_delete,
        name="comment_delete",
    ),
]
