import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# CUST-1. ASCII digits only: Python's ``\d`` also matches full-width and other Unicode
# digits, which would let "13９00000001" through as a stored number.
MSISDN_RE = re.compile(r"^1[3-9][0-9]{9}$")
# What a person may type between the digits (D-VALID-3): any space (the ideographic one
# included) and the dashes and hyphens an input method produces.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")


def _msisdn_digits(raw: str) -> str:
    """The number as typed, with full-width characters made ASCII (NFKC: ０-９ → 0-9,
    ＋ → +), separators dropped and a +86 / 0086 / 86 country prefix removed."""
    cleaned = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or ""))
    for prefix in ("+86", "0086"):
        if cleaned.startswith(prefix):
            return cleaned[len(prefix) :]
    if len(cleaned) == 13 and cleaned.startswith("86"):
        return cleaned[2:]
    return cleaned


def normalise_msisdn(raw: str) -> str:
    """CUST-1 / D-CUST-1 / D-VALID-3: the one normaliser of a phone number a person typed
    (lookup boxes, forms, API bodies, paths and filters): full-width digits, spaces, dashes
    and a +86 / 0086 / 86 prefix are accepted; returns the 11 digits or raises."""
    cleaned = _msisdn_digits(raw)
    if not MSISDN_RE.match(cleaned):
        raise ValidationError(
            _("“%(value)s” is not a mobile number: 11 digits starting with 13–19 are expected."),
            code="invalid_msisdn",
            params={"value": raw},
        )
    return cleaned


def msisdn_or_none(raw: str) -> str | None:
    """``normalise_msisdn`` for searches and filters: the 11 digits, or None when what was
    typed is not a whole mobile number."""
    try:
        return normalise_msisdn(raw)
    except ValidationError:
        return None


def validate_msisdn(value: str) -> None:
    """CUST-1, for model fields: the stored form is exactly 11 digits."""
    if not MSISDN_RE.match(value or ""):
        raise ValidationError(
            _("“%(value)s” is not a mobile number: 11 digits starting with 13–19 are expected."),
            code="invalid_msisdn",
            params={"value": value},
        )
