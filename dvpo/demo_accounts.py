"""The fictional demo force, service, court and accounts, as plain data.

Kept free of models so the `make run` banner can print the accounts.
"""

from dvpo.roles import POLICE, SUPPORT, Rank, Role

DEMO_PASSWORD = "demo-only-not-secret"  # noqa: S105 - published demo password
# Published on purpose, like DEMO_PASSWORD, so that anyone trying the demo can sign in: add
# the key to an authenticator app (demo_totp_key_base32()), or print the current code with
# `python manage.py demo_code`. The demo loader refuses to run with DEBUG off, so this key
# never guards a real account. (It is the RFC 6238 test key.)
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"  # hex, as django-otp stores it
# Single-use backup codes every demo account has; load_demo restores any that were used.
DEMO_BACKUP_CODES = ("demo1111", "demo2222", "demo3333")

FORCE = {"code": "northshire", "name": "Northshire Police (demo)", "kind": POLICE}
SERVICE = {"code": "harbour-lights", "name": "Harbour Lights Support (demo)", "kind": SUPPORT}
BCUS = {
    "NORTH": ("North BCU", ["North Response", "North Safeguarding"]),
    "SOUTH": ("South BCU", ["South Response", "South Safeguarding"]),
}
COURT = {
    "code": "NSMC",
    "name": "Northshire Magistrates' Court (demo)",
    "address": "1 Example Street, Northshire",
    "specialist_dv_court": True,
}

# username: (first name, last name, organisation, BCU, team, rank, role)
# fmt: off
ACCOUNTS = {
    "officer": ("Alex", "Example", "force", "NORTH", "North Response",
                Rank.CONSTABLE, Role.OFFICER),
    "dvpo.officer": ("Sam", "Sample", "force", "NORTH", "North Safeguarding",
                     Rank.CONSTABLE, Role.DVPO_OFFICER),
    "supervisor": ("Jo", "Placeholder", "force", "NORTH", "North Response",
                   Rank.SERGEANT, Role.SUPERVISOR),
    "superintendent": ("Chris", "Fictional", "force", "NORTH", None,
                       Rank.SUPERINTENDENT, Role.AUTHORISING_OFFICER),
    "court.coordinator": ("Pat", "Testcase", "force", None, None, None, Role.COURT_COORDINATOR),
    "caseworker": ("Robin", "Demo", "service", None, None, None, Role.CASEWORKER),
    "service.manager": ("Morgan", "Mockup", "service", None, None, None, Role.SERVICE_MANAGER),
    "admin": ("Ari", "Admin", "force", None, None, None, Role.ADMINISTRATOR),
    "service.admin": ("Lee", "Exemplar", "service", None, None, None, Role.ADMINISTRATOR),
}
# fmt: on

# The platform administrator (a superuser, no organisation): national settings such as the
# bank-holiday calendar and the organisations themselves; no case content.
PLATFORM_ADMIN = {"username": "platform.admin", "first_name": "Dana", "last_name": "Platform"}
