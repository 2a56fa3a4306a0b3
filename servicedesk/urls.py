from typing import Any

from django.urls import path

from servicedesk.views import birthday, club, desk, entitlements, queue, reports, requests

app_name = "servicedesk"

urlpatterns: list[Any] = [
    path("", desk.desk_home, name="desk_home"),
    path("customer/<str:msisdn>/", desk.desk_card, name="desk_card"),
    # D-DESK-20: the visit's ticket from the desk card, the clerk's hall
    path("customer/<str:msisdn>/ticket/<str:action>/", desk.desk_ticket, name="desk_ticket"),
    path("my-hall/", desk.hall_choose, name="hall_choose"),
    path(
        "customer/<str:msisdn>/request/<str:kind>/",
        requests.request_create,
        name="request_create",
    ),
    path(
        "customer/<str:msisdn>/birthday-minutes/",
        birthday.birthday_minutes_add_view,
        name="birthday_minutes_add",
    ),
    path("requests/", requests.request_list, name="request_list"),
    path("requests/<int:pk>/", requests.request_detail, name="request_detail"),
    path(
        "requests/<int:pk>/<str:action>/",
        requests.request_transition,
        name="request_transition",
    ),
    path("halls/", queue.hall_list, name="hall_list"),
    path("halls/<slug:code>/", queue.hall_desk, name="hall_desk"),
    path("halls/<slug:code>/ticket/", queue.ticket_issue, name="ticket_issue"),
    path("halls/<slug:code>/call-next/", queue.ticket_call_next, name="ticket_call_next"),
    path("halls/<slug:code>/board/", queue.hall_board, name="hall_board"),
    path("halls/<slug:code>/board.json", queue.hall_board_data, name="hall_board_data"),
    path("tickets/<int:pk>/<str:action>/", queue.ticket_action, name="ticket_action"),
    path("service-levels/", reports.service_levels, name="service_levels"),
    # SERVICE-2: the entitlements table, edited by supervisors in the app
    path("entitlements/", entitlements.entitlement_list, name="entitlement_list"),
    path("entitlements/new/", entitlements.entitlement_create, name="entitlement_create"),
    path("entitlements/<int:pk>/edit/", entitlements.entitlement_edit, name="entitlement_edit"),
    path(
        "entitlements/<int:pk>/delete/",
        entitlements.entitlement_delete,
        name="entitlement_delete",
    ),
    path(
        "entitlements/<int:pk>/history/",
        entitlements.entitlement_history,
        name="entitlement_history",
    ),
    # SERVICE-13: club events
    path("club/", club.club_event_list, name="club_event_list"),
    path("club/new/", club.club_event_create, name="club_event_create"),
    path("club/<int:pk>/", club.club_event_detail, name="club_event_detail"),
    path("club/<int:pk>/edit/", club.club_event_edit, name="club_event_edit"),
    path("club/<int:pk>/export.csv", club.club_event_export, name="club_event_export"),
    path(
        "club/signups/<int:pk>/<str:action>/",
        club.club_signup_transition,
        name="club_signup_transition",
    ),
    path("customer/<str:msisdn>/club/", club.club_signup_create, name="club_signup_create"),
]
