from django.urls import path

from core import jobs_views, views

app_name = "core"

urlpatterns = [
    path("supervisor/", views.supervisor_home, name="supervisor_home"),
    # The jobs page (core/jobs_views.py): runs of the programme's calendar.
    path("jobs/", jobs_views.job_runs, name="job_runs"),
    path("jobs/run/", jobs_views.job_run_start, name="job_run_start"),
    path("jobs/<int:pk>/", jobs_views.job_run_detail, name="job_run_detail"),
    path("jobs/<int:pk>/again/", jobs_views.job_run_again, name="job_run_again"),
    path("jobs/<int:pk>/resume/", jobs_views.job_run_resume_view, name="job_run_resume"),
    path("jobs/<int:pk>/progress.json", jobs_views.job_run_progress, name="job_run_progress"),
]
