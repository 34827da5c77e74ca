"""Session-wide test settings: hypothesis profiles and the `slow` marker.

Kernel caching is left exactly as the package does it (a user cache folder keyed by a hash of the
engine sources), so tests exercise the same compiled code a learner runs.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# "ci" is the default: deterministic (derandomize, no example database), so a run is offline and
# repeatable, and no deadline, because the first call of a kernel may JIT-compile it for seconds.
settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# A longer random search for local bug hunting: HYPOTHESIS_PROFILE=thorough pytest ...
settings.register_profile("thorough", parent=settings.get_profile("ci"), max_examples=1000,
                          derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: a test that takes seconds; deselect with -m 'not slow'"
    )
