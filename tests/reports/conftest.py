"""Fixtures for the reports: the court fixtures (an order granted on Sat 7 Mar 2026) and
a second BCU."""

from tests.courts.conftest import application, court, granted, order  # noqa: F401
