from django.core.exceptions import PermissionDenied
from django.http import Http404


class DomainError(Exception):
    """The one error type services raise, with a message a counter clerk can read."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)


class NotFound(Http404):
    """A 404 whose message is written for staff ("No customer has the number …"): the error
    page shows it. Any other 404 (an unknown URL, ``get_object_or_404``) shows only the
    page's own text, never the exception's."""


class Forbidden(PermissionDenied):
    """A 403 whose message is written for staff; the error page shows it (see NotFound)."""


def public_message(exception: BaseException | None) -> str:
    """The message of an error the project raised for staff to read, else ''."""
    if isinstance(exception, (NotFound, Forbidden)) and exception.args:
        return str(exception.args[0])
    return ""
