"""The site's own error pages (400, 403, 404, 500): in the site's look, in the staff's
language, and never with exception text, except the messages the project wrote for staff
(core.errors.NotFound and Forbidden). config/urls.py names these handlers."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

from core.errors import public_message


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"message": public_message(exception)}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"message": public_message(exception)}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request's context processors: the database, the session or the
    user may be what failed."""
    return HttpResponse(loader.get_template("500.html").render({}), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with an expired or missing CSRF token (CSRF_FAILURE_VIEW)."""
    return render(request, "403_csrf.html", status=403)
