from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("counter/", views.clerk_home, name="clerk_home"),
    path("manager/", views.manager_home, name="manager_home"),
    path("supervisor/", views.supervisor_home, name="supervisor_home"),
]
