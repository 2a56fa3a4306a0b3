"""Level rating policies (TIER-3/4 GoTone annual, TIER-11 rolling average), pluggable.

``programme("RATING_POLICY")`` chooses the policy the calendar runs. Each policy previews
a period (counts per level, movers up and down, samples) and commits it in one transaction,
writing grants through set-based SQL and recording the run.
"""

from django.utils.translation import gettext as _

from core.errors import DomainError
from core.programme import programme
from membership.services.rating.base import RatingPolicy, RatingPreview
from membership.services.rating.gotone import GoToneAnnualPolicy
from membership.services.rating.rolling import RollingAveragePolicy

__all__ = ["GoToneAnnualPolicy", "RatingPreview", "RollingAveragePolicy", "get_policy"]


def get_policy(key: str | None = None) -> RatingPolicy:
    """TIER-11: the configured policy (the GoTone annual one by default). Here, beside the
    policies, so that base.py, which the policies import, imports none of them."""
    policies: dict[str, RatingPolicy] = {
        GoToneAnnualPolicy.key: GoToneAnnualPolicy(),
        RollingAveragePolicy.key: RollingAveragePolicy(),
    }
    key = key or programme("RATING_POLICY")
    if key not in policies:
        raise DomainError(_("Unknown rating policy “%(key)s”.") % {"key": key})
    return policies[key]
