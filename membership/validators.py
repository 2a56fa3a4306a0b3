import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MSISDN_RE = re.compile(r"^1[3-9]\d{9}$")  # CUST-1


def normalise_msisdn(raw: str) -> str:
    """CUST-1: accept spaces, dashes and a +86 / 0086 prefix; return the 11 digits or raise."""
    cleaned = re.sub(r"[\s\-]", "", raw or "")
    for prefix in ("+86", "0086"):
        if cleaned.startswith(prefix):
            cleaned = cleaned[len(prefix) :]
            break
    else:
        if len(cleaned) == 13 and cleaned.startswith("86"):
            cleaned = cleaned[2:]
    if not MSISDN_RE.match(cleaned):
        raise ValidationError(
            _("“%(value)s” is not a mobile number: 11 digits starting with 13–19 are expected."),
            code="invalid_msisdn",
            params={"value": raw},
        )
    return cleaned


def validate_msisdn(value: str) -> None:
    """CUST-1, for model fields: the stored form is exactly 11 digits."""
    if not MSISDN_RE.match(value or ""):
        raise ValidationError(
            _("“%(value)s” is not a mobile number: 11 digits starting with 13–19 are expected."),
            code="invalid_msisdn",
            params={"value": value},
        )
