"""Level rating policies (TIER-3/4 GoTone annual, TIER-11 rolling average), pluggable.

``programme("RATING_POLICY")`` chooses the policy the calendar runs. Each policy previews
a period (counts per level, movers up and down, samples) and commits it in one transaction,
writing grants through set-based SQL and recording the run.
"""

from membership.services.rating.base import RatingPreview, get_policy
from membership.services.rating.gotone import GoToneAnnualPolicy
from membership.services.rating.rolling import RollingAveragePolicy

__all__ = ["GoToneAnnualPolicy", "RatingPreview", "RollingAveragePolicy", "get_policy"]
