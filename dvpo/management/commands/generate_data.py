# ruff: noqa: S608 - SQL text from model metadata and constants; values go as parameters
"""Build a realistic synthetic dataset at national scale, quickly.

python manage.py generate_data --incidents 1000000 [--seed 2010] [--force northshire]
                               [--years 5] [--batch 50000] [--jobs 2]

Fictional people only (invented surnames, Ofcom's drama phone numbers, example.invalid
addresses). The distributions follow ../shared/domain.md:

- every incident has a victim, P (a child in about 30% of them), the victim's safe-contact
  details and a DASH assessment; risk grades 10% high / 35% medium / 55% standard of all
  incidents, and DVPNs are drawn more often from higher grades so the orders come out about
  20% high / 56% medium / 24% standard (the national pilot's mix);
- about 4% of incidents get a DVPN (1,000,000 -> about 40,000); about 5% of applications
  are refused by the superintendent; of the heard applications about 65% are granted
  (-> about 25,000 orders); about one order in four is breached; a few DVPNs lapse;
- repeat victims: about a quarter of incidents involve a victim (and usually the same P)
  already known from an earlier incident;
- referrals: every served DVPN (consent given in about 85%) plus Victims' Code referrals
  for other incidents, about 60,000 in all; about 200,000 contact attempts with the
  outcomes caseworkers report (mostly no answer), follow-ups near and after expiry,
  suspected-breach alerts.

How it is fast: the incident-level rows (cases, people, parties, safe contacts, DASH,
MARAC tasks, timeline events and their simple-history rows) are made inside PostgreSQL
with INSERT ... SELECT over generate_series, using hashint8extended(g, seed) as the random
source, so nothing crosses the wire. The few percent of incidents that go further (DVPN,
court, orders, breaches, referrals, contact attempts) are built in Python, with every
statutory deadline computed by dvpo/deadlines.py (hearing deadline, production deadline,
order last day and expiry, referral due, first contact due), and sent with COPY. Each
batch commits on its own; ids are reserved up front and the sequences are moved past
them at the end. `--jobs 2` (the default) loads two batches at once, each on its own
connection, so both cores work; the same seed makes the same rows either way (only the ids
of the notices, court records and referrals depend on which batch finished first).
"""

import datetime as dt
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cases.models import (
    DVPN,
    Case,
    CaseEvent,
    Party,
    Person,
    RiskAssessment,
    RiskInstrument,
    SafeContact,
    Task,
)
from courts.models import DVPO, Breach, Court, DVPOApplication, Hearing
from dvpo import deadlines
from dvpo.dbroles import connected_as_owner
from dvpo.models import BCU, Organisation, Team, User
from dvpo.roles import POLICE, SUPPORT, Rank, Role
from referrals import rules as referral_rules
from referrals.models import Alert, ContactAttempt, FollowUp, Referral

LONDON = deadlines.LONDON

# Obviously invented surnames, put together from two parts (50 x 40 = 2,000, the commoner
# first parts more often: the commonest surname is about 0.4% of people, about as common as a
# common British surname), and ordinary first names. Real names are this varied; forty
# surnames for two million people would make every name search match thousands.
SURNAME_STARTS = [
    "Quill", "Marrow", "Thistle", "Pember", "Brindle", "Ash", "Fenni", "Wex", "Odding",
    "Larks", "Dimble", "Crum", "Hollow", "Nettle", "Pudding", "Gorse", "Tumble", "Wicker",
    "Barley", "Ferns", "Moss", "Kettle", "Plum", "Ravens", "Sprock", "Tiddle", "Umber", "Vex",
    "Wobble", "Yarrow", "Zephyr", "Apple", "Bramble", "Cobble", "Dunn", "Elder", "Fiddle",
    "Gumble", "Hob", "Ink", "Jumble", "Knot", "Lantern", "Mildew", "Nook", "Oat", "Pebble",
    "Quince", "Rook", "Sorrel",
]  # fmt: skip
SURNAME_ENDS = [
    "feather", "by", "wick", "fold", "combe", "grove", "more", "ington", "spurr", "thorpe",
    "well", "mere", "field", "stone", "bury", "ton", "ham", "mow", "sby", "borough", "tree",
    "nook", "et", "dale", "slade", "ley", "field-Test", "wood", "thwaite", "cote", "dick",
    "ock", "flower", "ford", "nail", "worth", "hurst", "gate", "shaw", "croft",
]  # fmt: skip
FEMALE = [
    "Amelia", "Olivia", "Isla", "Ava", "Mia", "Grace", "Sophie", "Emily", "Chloe", "Jessica",
    "Hannah", "Priya", "Aisha", "Fatima", "Zara", "Megan", "Rachel", "Laura", "Natalie", "Kerry",
    "Ella", "Freya", "Lily", "Ruby", "Evie", "Poppy", "Ivy", "Rosie", "Willow", "Maryam",
    "Nadia", "Agnieszka", "Joanna", "Claire", "Gemma", "Stacey", "Leanne", "Donna", "Tracey",
    "Sian",
]  # fmt: skip
MALE = [
    "Oliver", "George", "Harry", "Jack", "Noah", "Leo", "Jacob", "Daniel", "Ryan", "Liam",
    "Mohammed", "Adam", "Imran", "Kyle", "Dean", "Craig", "Lee", "Wayne", "Jamie", "Tom",
    "Arthur", "Freddie", "Alfie", "Theo", "Archie", "Charlie", "Henry", "Oscar", "Luca",
    "Bilal", "Tomasz", "Piotr", "Gareth", "Darren", "Stuart", "Paul", "Mark", "Gavin",
    "Carl", "Rhys",
]  # fmt: skip
STREETS = [
    "Example Street", "Sample Road", "Fictional Lane", "Placeholder Avenue", "Test Close",
    "Demo Crescent", "Mock Terrace", "Invented Way", "Specimen Gardens", "Imaginary Row",
]  # fmt: skip
TOWNS = ["Northshire", "Southbridge", "Easthaven", "Westmoor", "Midvale", "Lowfield"]
SUMMARIES = [
    "Verbal argument escalated; victim reports being pushed against a wall.",
    "Ex-partner attended the address uninvited and made threats to kill.",
    "Neighbour called police after hearing screaming; victim has facial injuries.",
    "Victim reports controlling behaviour and damage to her phone.",
    "P threatened the victim with a kitchen knife during an argument about money.",
    "Repeated messages and turning up at the victim's workplace.",
    "Victim strangled during an argument; children present in the house.",
    "Argument over child contact; P punched the victim.",
]  # fmt: skip
RELATIONSHIPS = ["Partner", "Ex-partner", "Spouse", "Ex-partner", "Partner", "Parent", "Sibling"]
SAFE_TIMES = [
    "Weekdays after 6pm", "Mornings before 9am", "Any time on Tuesdays and Thursdays",
    "Lunchtimes", "Weekends", "Afternoons while the children are at school",
]  # fmt: skip
# 2021 census codes, roughly weighted like England and Wales.
ETHNICITIES = ["W1"] * 14 + ["W9", "W9", "W2", "A3", "A4", "A1", "B1", "B2", "M3", "M1", "O9"]
ETHNICITIES += ["NS", "NS"]

# P(DVPN | grade): 0.10*0.08 + 0.35*0.064 + 0.55*0.0175 = 4.0% of incidents, and the
# notices (so the orders) come out about 20% high / 56% medium / 24% standard.
DVPN_RATE = {"high": 0.08, "medium": 0.064, "standard": 0.0175}
VICTIMS_CODE_RATE = 0.024  # other incidents referred to support (about 24,000 per million)


class Ids:
    """Explicit ids, reserved from each table's current maximum."""

    def __init__(self, models):
        self.next = {}
        self.lock = threading.Lock()  # batches may run in parallel threads (--jobs)
        with connection.cursor() as cursor:
            for model in models:
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
                self.next[model] = cursor.fetchone()[0] + 1

    def take(self, model, n=1) -> int:
        with self.lock:
            first = self.next[model]
            self.next[model] += n
            return first

    def sync_sequences(self):
        with connection.cursor() as cursor:
            for model in self.next:
                table = model._meta.db_table
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    f"greatest((SELECT coalesce(max(id), 0) FROM {connection.ops.quote_name(table)}), 1))",  # noqa: E501, S608
                    [table],
                )


def columns(model, *, skip_id=False):
    return [f for f in model._meta.concrete_fields if not (skip_id and f.primary_key)]


class Copier:
    """Rows (dicts by attname) for a model and its history table, sent with COPY."""

    def __init__(self, model):
        self.model = model
        self.fields = columns(model)
        self.rows = []
        self.history = getattr(model, "history", None)
        self.hist_fields = columns(self.history.model, skip_id=True) if self.history else []
        self.hist_rows = []
        self.defaults = {f.attname: self._default(f) for f in self.fields}

    @staticmethod
    def _default(field):
        if field.has_default():
            return field.get_default()
        if field.null:
            return None
        if field.get_internal_type() in ("CharField", "TextField", "SlugField", "EmailField"):
            return ""
        return None

    def add(self, row: dict, *, at, by, history=True, kind="+"):
        full = {**self.defaults, **row}
        self.rows.append(full)
        if history and self.history:
            self.hist(full, at=at, by=by, kind=kind)
        return full

    def hist(self, full: dict, *, at, by, kind="~"):
        self.hist_rows.append(
            {
                **full,
                "history_date": at,
                "history_type": kind,
                "history_user_id": by,
                "history_change_reason": None,
            }
        )

    def flush(self) -> int:
        written = self._copy(self.model, self.fields, self.rows)
        if self.history:
            written += self._copy(self.history.model, self.hist_fields, self.hist_rows)
        self.rows, self.hist_rows = [], []
        return written

    @staticmethod
    def _copy(model, fields, rows) -> int:
        if not rows:
            return 0
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        attnames = [f.attname for f in fields]
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[a] for a in attnames])
        return len(rows)


def _u(k: int, of: str = "g") -> str:
    """A uniform [0, 1) value for incident g (or another whole number), stream k (SQL)."""
    return f"((hashint8extended({of}, %(seed)s + {k}) & 2147483647)::float8 / 2147483648.0)"


def _pick(array_sql: str, n: int, k: int, of: str = "g", skew: int = 1) -> str:
    """One of the array's n values; with skew 2 the first values come up more often."""
    u = _u(k, of) if skew == 1 else f"power({_u(k, of)}, {skew})"
    return f"({array_sql})[1 + floor({u} * {n})::int]"


def _sql_array(values) -> str:
    quoted = ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)
    return f"ARRAY[{quoted}]::text[]"


class PerThread:
    """An attribute with a value per thread: a batch's own rows while batches run in
    parallel (--jobs)."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, objtype=None):
        return self if obj is None else getattr(obj.local, self.name)

    def __set__(self, obj, value):
        setattr(obj.local, self.name, value)


class Command(BaseCommand):
    help = "Generate a realistic synthetic dataset (fictional people) at national scale."

    # The batch being built (python_batch), per thread.
    copiers = PerThread()
    events = PerThread()
    flags = PerThread()
    onward = PerThread()

    def add_arguments(self, parser):
        parser.add_argument("--incidents", type=int, required=True)
        parser.add_argument("--seed", type=int, default=2010)
        parser.add_argument("--force", default="northshire", help="The force's code.")
        parser.add_argument("--years", type=float, default=5.0)
        parser.add_argument("--batch", type=int, default=50_000)
        parser.add_argument(
            "--jobs",
            type=int,
            default=2,
            help="Batches loaded at once, each on its own database connection (default 2).",
        )
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="Do not drop and rebuild the secondary indexes of the bulk tables "
            "(by default they are rebuilt once at the end when loading 200,000 incidents or more).",
        )

    def handle(self, *args, **options):
        # As the owner role when there are two (dvpo/dbroles.py): dropping and rebuilding
        # indexes, VACUUM and session_replication_role are the owner's, not the app's.
        with connected_as_owner():
            self.generate(**options)

    def generate(self, *, incidents, seed, force, years, batch, jobs, keep_indexes, **options):
        if incidents < 1:
            raise CommandError("--incidents must be at least 1.")
        if jobs < 1 or batch < 1:
            raise CommandError("--jobs and --batch must be at least 1.")
        self.seed = seed
        self.local = threading.local()
        self.lock = threading.Lock()
        self.verbosity = options["verbosity"]
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        began = time.perf_counter()
        self.now = timezone.now().replace(microsecond=0)
        self.end = self.now - dt.timedelta(minutes=30)
        self.start = self.end - dt.timedelta(days=365.25 * years)
        with transaction.atomic():
            self.setup(force, incidents)
        self.ids = Ids(
            [Case, Person, Party, SafeContact, RiskAssessment, DVPN, DVPOApplication, Hearing]
            + [DVPO, Breach, Referral, ContactAttempt, FollowUp, Alert, Task]
        )
        self.base = {
            "case": self.ids.take(Case, incidents) - 1,
            "person": self.ids.take(Person, 3 * incidents + 3) - 1,
            "party": self.ids.take(Party, 3 * incidents + 3) - 1,
            "safe": self.ids.take(SafeContact, incidents) - 1,
            "risk": self.ids.take(RiskAssessment, incidents) - 1,
            "task": self.ids.take(Task, incidents) - 1,
        }
        self.counts: dict[str, int] = {}
        self.rows = 0
        self.stdout.write(
            f"Generating {incidents:,} incidents into {self.force.name} "
            f"({len(self.officers):,} officers, {len(self.bcus)} BCUs), seed {seed}"
        )
        self.replica = self.bulk_mode()
        dropped = [] if keep_indexes or incidents < 200_000 else self.drop_indexes()
        try:
            self.load(incidents, batch, began, jobs)
        finally:
            if dropped:
                self.rebuild_indexes(dropped)
        self.ids.sync_sequences()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS gen_officer")
            if self.replica:  # only a superuser may set it, or reset it
                cursor.execute("RESET session_replication_role")
        loaded = time.perf_counter() - began
        # VACUUM too (outside a transaction): it sets the visibility map, so the covering
        # indexes serve index-only scans at once instead of after autovacuum's next pass.
        vacuum = not connection.in_atomic_block
        self.stdout.write("Vacuuming and analysing tables ..." if vacuum else "Analysing ...")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        total = time.perf_counter() - began
        for name, value in sorted(self.counts.items()):
            self.stdout.write(f"  {name:<24} {value:>10,}")
        self.stdout.write(
            f"{incidents:,} incidents, {self.rows:,} rows in {loaded:.1f} s: "
            f"{incidents / loaded:,.0f} incidents/s, {self.rows / loaded:,.0f} rows/s "
            f"({'VACUUM ' if vacuum else ''}ANALYZE included: {total:.1f} s)"
        )

    BULK_TABLES = (Case, Person, Party, SafeContact, RiskAssessment, Task, CaseEvent)

    def bulk_mode(self, *, quiet=False) -> bool:
        """Skip the per-row foreign-key triggers: every reference is built consistent
        (ids are explicit). Needs a superuser; without one the triggers run as usual."""
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = replica")
        except DatabaseError:
            if not quiet:
                self.stdout.write("(not a superuser: foreign keys are checked row by row)")
            return False
        return True

    def drop_indexes(self) -> list[tuple[str, str]]:
        """Drop the plain secondary indexes of the bulk tables (not primary keys or unique
        ones, which enforce rules); they are rebuilt once at the end, which is much faster
        than updating them row by row."""
        tables = [m._meta.db_table for m in self.BULK_TABLES]
        tables += [
            m.history.model._meta.db_table for m in self.BULK_TABLES if hasattr(m, "history")
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.relname, pg_get_indexdef(x.indexrelid)
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                JOIN pg_class t ON t.oid = x.indrelid
                WHERE t.relname = ANY(%s) AND NOT x.indisprimary AND NOT x.indisunique
                """,
                [tables],
            )
            dropped = cursor.fetchall()
            for name, _ in dropped:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        self.stdout.write(f"Dropped {len(dropped)} secondary indexes; rebuilt at the end.")
        return dropped

    def rebuild_indexes(self, dropped):
        began = time.perf_counter()
        with connection.cursor() as cursor:
            for _, definition in dropped:
                cursor.execute(definition)
        self.stdout.write(f"Rebuilt {len(dropped)} indexes in {time.perf_counter() - began:.1f} s.")

    def load(self, incidents, batch, began, jobs):
        """The batches, in order, or `jobs` at a time on their own connections (each batch
        has its own incidents and ids, and commits on its own). Inside a transaction (the
        tests) they run in order on this connection, which sees what the transaction made."""
        ranges = [
            (first, min(incidents, first + batch - 1)) for first in range(1, incidents + 1, batch)
        ]
        done = 0
        if jobs == 1 or len(ranges) == 1 or connection.in_atomic_block:
            for first, last in ranges:
                self.batch(first, last, incidents)
                done += last - first + 1
                self.progress(done, incidents, began)
            return
        with ThreadPoolExecutor(jobs, thread_name_prefix="generate") as pool:
            futures = [pool.submit(self.batch_on_own_connection, *r, incidents) for r in ranges]
            try:
                for future in as_completed(futures):
                    done += future.result()
                    self.progress(done, incidents, began)
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    def batch_on_own_connection(self, first, last, total) -> int:
        try:
            self.bulk_mode(quiet=True)
            self.batch(first, last, total)
        finally:
            connection.close()  # this thread's own connection
        return last - first + 1

    def batch(self, first, last, total):
        with transaction.atomic():
            t0 = time.perf_counter()
            self.sql_batch(first, last, total)
            t1 = time.perf_counter()
            self.python_batch()
            if self.verbosity > 1:
                self.stdout.write(
                    f"    {first:,}-{last:,}: sql {t1 - t0:.2f} s, "
                    f"python {time.perf_counter() - t1:.2f} s"
                )

    def progress(self, done, incidents, began):
        rate = done / (time.perf_counter() - began)
        self.stdout.write(
            f"  {done:>10,}/{incidents:,} incidents ({done * 100 // incidents:3d}%)  "
            f"{self.rows:>11,} rows  {rate:>8,.0f} incidents/s  "
            f"ETA {(incidents - done) / rate:5.0f} s",
        )
        self.stdout.flush()

    def add(self, rows: int = 0, **counts: int) -> None:
        """Count rows written (and named kinds of them), from any batch's thread."""
        with self.lock:
            self.rows += rows
            for name, value in counts.items():
                self.counts[name] = self.counts.get(name, 0) + value

    # --- organisations and people who work on the cases ----------------------------------

    def setup(self, code: str, incidents: int):
        force, _ = Organisation.objects.get_or_create(
            code=code, defaults={"name": f"{code.title()} Police (generated)", "kind": POLICE}
        )
        if not force.is_police:
            raise CommandError(f"{code} is not a police force.")
        self.force = force
        groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
        if len(groups) < len(Role.values):
            raise CommandError("Run `manage.py sync_roles` (or bootstrap) first.")
        n_bcus = max(2, min(12, incidents // 100_000 + 2))
        bcus = list(BCU.objects.filter(force=force).order_by("pk"))
        for i in range(len(bcus), n_bcus):
            bcus.append(
                BCU.objects.create(force=force, code=f"GEN{i:02d}", name=f"Generated BCU {i:02d}")
            )
        self.bcus = bcus
        teams = []
        for bcu in bcus:
            existing = list(Team.objects.filter(bcu=bcu).order_by("pk"))
            for i in range(len(existing), 4):
                existing.append(Team.objects.create(bcu=bcu, name=f"{bcu.name} team {i + 1}"))
            teams += existing
        self.teams = teams
        officers_wanted = max(20, incidents // 500)
        per_team = max(2, officers_wanted // len(teams))
        new_users, user_roles = [], []
        existing_names = set(
            User.objects.filter(username__startswith="gen.").values_list("username", flat=True)
        )

        def add_user(username, role, **fields):
            if username in existing_names:
                return
            first = self.rng.choice(FEMALE + MALE)
            new_users.append(
                User(
                    username=username,
                    first_name=first,
                    last_name=self.rng.choice(SURNAME_STARTS) + self.rng.choice(SURNAME_ENDS),
                    email=f"{username}@example.invalid",
                    password="!generated",  # noqa: S106 - unusable: generated staff cannot sign in
                    **fields,
                )
            )
            user_roles.append((username, role))

        for t, team in enumerate(teams):
            for i in range(per_team):
                add_user(
                    f"gen.officer.{force.pk}.{t:03d}.{i:03d}",
                    Role.OFFICER,
                    organisation=force,
                    bcu_id=team.bcu_id,
                    team=team,
                    rank=Rank.CONSTABLE,
                )
            add_user(
                f"gen.supervisor.{force.pk}.{t:03d}",
                Role.SUPERVISOR,
                organisation=force,
                bcu_id=team.bcu_id,
                team=team,
                rank=Rank.SERGEANT,
            )
        for b, bcu in enumerate(bcus):
            add_user(
                f"gen.superintendent.{force.pk}.{b:02d}",
                Role.AUTHORISING_OFFICER,
                organisation=force,
                bcu=bcu,
                rank=Rank.SUPERINTENDENT,
            )
        services = list(Organisation.objects.filter(kind=SUPPORT).order_by("pk"))
        for name in ("Lantern House Support", "Safe Harbour Advocacy", "Willow Tree IDVA Service"):
            if len(services) >= 4:
                break
            org, _ = Organisation.objects.get_or_create(
                code=name.lower().replace(" ", "-"), defaults={"name": name, "kind": SUPPORT}
            )
            if org not in services:  # made by an earlier run: already in the list
                services.append(org)
        self.services = services
        for service in services:
            for i in range(6):
                add_user(
                    f"gen.caseworker.{service.pk}.{i:02d}", Role.CASEWORKER, organisation=service
                )
        User.objects.bulk_create(new_users)
        by_name = dict(
            User.objects.filter(username__in=[u for u, _ in user_roles]).values_list(
                "username", "pk"
            )
        )
        User.groups.through.objects.bulk_create(
            [
                User.groups.through(user_id=by_name[u], group_id=groups[role].pk)
                for u, role in user_roles
            ],
            ignore_conflicts=True,
        )
        police = User.objects.filter(organisation=force)
        self.officers = list(
            police.filter(groups__name__in=[Role.OFFICER, Role.DVPO_OFFICER], team__isnull=False)
            .order_by("pk")
            .values_list("pk", "bcu_id", "team_id")
        )
        self.supervisors = {}
        for pk, bcu_id in police.filter(groups__name=Role.SUPERVISOR).values_list("pk", "bcu_id"):
            self.supervisors.setdefault(bcu_id, []).append(pk)
        self.superintendents = list(
            police.filter(groups__name=Role.AUTHORISING_OFFICER).values_list("pk", flat=True)
        )
        self.coordinators = (
            list(police.filter(groups__name=Role.COURT_COORDINATOR).values_list("pk", flat=True))
            or self.superintendents
        )
        self.caseworkers = {
            s.pk: list(
                User.objects.filter(organisation=s, groups__name=Role.CASEWORKER).values_list(
                    "pk", flat=True
                )
            )
            for s in services
        }
        courts = list(Court.objects.order_by("pk"))
        for name in ("Southbridge Magistrates' Court", "Easthaven Magistrates' Court"):
            if len(courts) >= 3:
                break
            court = Court.objects.get_or_create(
                name=name,
                defaults={"code": name.split()[0][:6].upper() + "MC", "address": name},
            )[0]
            if court not in courts:  # made by an earlier run: already in the list
                courts.append(court)
        self.courts = [c.pk for c in courts]
        instrument = RiskInstrument.objects.filter(active=True).order_by("pk").first()
        if instrument is None:
            raise CommandError("No risk instrument: run `manage.py load_instrument` first.")
        self.instrument = instrument
        self.questions = instrument.questions.count() or 27
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS gen_officer")
            cursor.execute(
                "CREATE UNLOGGED TABLE gen_officer (i int PRIMARY KEY, user_id bigint, "
                "bcu_id bigint, team_id bigint, supervisor_id bigint)"
            )
            rows = []
            for i, (pk, bcu_id, team_id) in enumerate(self.officers, start=1):
                sups = self.supervisors.get(bcu_id) or [pk]
                rows.append((i, pk, bcu_id, team_id, sups[i % len(sups)]))
            with cursor.cursor.copy("COPY gen_officer FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    # --- the incident-level rows, made by PostgreSQL ----------------------------------------

    def sql_batch(self, first: int, last: int, total: int):
        span = (self.end - self.start).total_seconds()
        q = self.questions
        answers = ", ".join(
            "'"
            + "{"
            + ", ".join(
                f'"{n}": "{"yes" if n <= k else ("not_known" if n % 9 == 0 else "no")}"'
                for n in range(1, q + 1)
            )
            + "}'"
            for k in range(q + 1)
        )
        params = {
            "seed": self.seed * 1000,
            "first": first,
            "last": last,
            "start": self.start,
            "now": self.now,
            "step": span / total,
            "n_off": len(self.officers),
            "case_base": self.base["case"],
            "person_base": self.base["person"],
            "party_base": self.base["party"],
            "safe_base": self.base["safe"],
            "risk_base": self.base["risk"],
            "task_base": self.base["task"],
            "force": self.force.pk,
            "instrument": self.instrument.pk,
        }
        u = _u
        person = "(3 * g + slot)"  # a person's own random streams (names)
        sql_incident = f"""
        CREATE TEMP TABLE gen_incident ON COMMIT DROP AS
        SELECT s.*, o.user_id AS owner_id, o.bcu_id, o.team_id, o.supervisor_id,
               CASE WHEN s.repeat_victim THEN s.cand ELSE s.g END AS victim_g,
               CASE WHEN s.repeat_victim AND {u(8)} < 0.7 THEN s.cand ELSE s.g END AS p_g,
               s.reported_at > %(now)s - interval '45 days' OR {u(9)} < 0.01 AS is_open,
               {u(10)} < CASE s.grade WHEN 'high' THEN {DVPN_RATE["high"]}
                   WHEN 'medium' THEN {DVPN_RATE["medium"]}
                   ELSE {DVPN_RATE["standard"]} END AS has_dvpn,
               {u(11)} < {VICTIMS_CODE_RATE} AS victims_code
        FROM (
            SELECT g, %(case_base)s + g AS case_id,
                   %(start)s::timestamptz + ((g - 1 + {u(1)}) * %(step)s) * interval '1 second'
                       AS reported_at,
                   1 + floor({u(2)} * %(n_off)s)::int AS officer_i,
                   CASE WHEN {u(3)} < 0.10 THEN 'high' WHEN {u(3)} < 0.45 THEN 'medium'
                        ELSE 'standard' END AS grade,
                   {u(4)} AS u_yes,
                   g > 1 AND {u(5)} < 0.35
                     AND NOT (hashint8extended(c.cand, %(seed)s + 5) & 2147483647)::float8
                           / 2147483648.0 < 0.35 AS repeat_victim,
                   c.cand,
                   {u(7)} < 0.3 AS has_child
            FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g,
                 LATERAL (SELECT greatest(1, g - 1 - floor({u(6)} * least(g - 1, 40000))::bigint)
                          AS cand) AS c
        ) AS s JOIN gen_officer o ON o.i = s.officer_i
        """
        statements = [
            "DROP TABLE IF EXISTS gen_incident",  # inside an outer transaction (tests)
            sql_incident,
            f"""
            INSERT INTO cases_case (id, force_id, crime_reference, reported_at, bcu_id, team_id,
                location, summary, regime, status, owner_id, p_arrested, criminal_outcome,
                created_at, lock_version)
            SELECT case_id, %(force)s,
                lpad((case_id %% 10000000)::text, 7, '0') || '/'
                    || to_char(reported_at AT TIME ZONE 'Europe/London', 'YY'),
                reported_at, bcu_id, team_id,
                (10 + g %% 190) || ' ' || {_pick(_sql_array(STREETS), len(STREETS), 20)}
                    || ', ' || {_pick(_sql_array(TOWNS), len(TOWNS), 21)},
                {_pick(_sql_array(SUMMARIES), len(SUMMARIES), 22)},
                'dvpn', CASE WHEN is_open THEN 'open' ELSE 'closed' END, owner_id,
                {u(23)} < 0.45,
                CASE WHEN is_open THEN '' WHEN {u(24)} < 0.25 THEN 'charged'
                     WHEN {u(24)} < 0.30 THEN 'cautioned' WHEN {u(24)} < 0.70 THEN 'nfa'
                     ELSE '' END,
                reported_at + interval '50 minutes', 0
            FROM gen_incident
            """,
            f"""
            INSERT INTO cases_person (id, force_id, first_name, last_name, date_of_birth,
                gender, ethnicity, address, lock_version)
            SELECT %(person_base)s + 3 * g + slot, %(force)s,
                CASE WHEN gender = 'male' THEN {_pick(_sql_array(MALE), len(MALE), 30, person)}
                     ELSE {_pick(_sql_array(FEMALE), len(FEMALE), 31, person)} END,
                {_pick(_sql_array(SURNAME_STARTS), len(SURNAME_STARTS), 38, person, skew=2)}
                    || {_pick(_sql_array(SURNAME_ENDS), len(SURNAME_ENDS), 39, person)},
                (reported_at AT TIME ZONE 'Europe/London')::date
                    - (CASE WHEN slot = 2 THEN floor({u(32)} * 17 * 365)
                            ELSE 18 * 365 + floor({u(33)} * 45 * 365) END)::int,
                gender,
                {_pick(_sql_array(ETHNICITIES), len(ETHNICITIES), 34)},
                (10 + g %% 190) || ' ' || {_pick(_sql_array(STREETS), len(STREETS), 20)}
                    || ', ' || {_pick(_sql_array(TOWNS), len(TOWNS), 21)},
                0
            FROM (
                SELECT i.*, v.slot,
                    CASE v.slot
                        WHEN 0 THEN CASE WHEN {u(35)} < 0.80 THEN 'female'
                                         WHEN {u(35)} < 0.98 THEN 'male' ELSE 'other' END
                        WHEN 1 THEN CASE WHEN {u(36)} < 0.85 THEN 'male' ELSE 'female' END
                        ELSE CASE WHEN {u(37)} < 0.5 THEN 'female' ELSE 'male' END
                    END AS gender
                FROM gen_incident i CROSS JOIN (VALUES (0), (1), (2)) AS v(slot)
                WHERE (v.slot = 0 AND NOT i.repeat_victim) OR (v.slot = 1 AND i.p_g = i.g)
                   OR (v.slot = 2 AND i.has_child)
            ) AS x
            """,
            f"""
            INSERT INTO cases_party (id, case_id, person_id, role, relationship_to_p,
                lives_with_p)
            SELECT %(party_base)s + 3 * g + slot, case_id,
                %(person_base)s + 3 * CASE slot WHEN 0 THEN victim_g WHEN 1 THEN p_g ELSE g END
                    + slot,
                CASE slot WHEN 0 THEN 'victim' WHEN 1 THEN 'perpetrator' ELSE 'child' END,
                CASE slot WHEN 0 THEN {_pick(_sql_array(RELATIONSHIPS), len(RELATIONSHIPS), 40)}
                    WHEN 2 THEN 'Child of the victim' ELSE '' END,
                slot <> 1 AND {u(41)} < 0.55
            FROM gen_incident CROSS JOIN (VALUES (0), (1), (2)) AS v(slot)
            WHERE slot < 2 OR has_child
            """,
            f"""
            INSERT INTO cases_safecontact (id, party_id, safe_phone, no_safe_number,
                contact_through, voicemail_ok, text_ok, identify_ok, email_ok, email, letter_ok,
                visit_ok, permissions_confirmed, safe_times, language, interpreter_needed,
                accessibility_needs, lock_version)
            SELECT %(safe_base)s + g, %(party_base)s + 3 * g,
                '07700 900' || lpad((g %% 1000)::text, 3, '0'), false, '',
                {u(50)} < 0.3, {u(51)} < 0.4, {u(52)} < 0.2, false, '', {u(53)} < 0.1,
                false, true, {_pick(_sql_array(SAFE_TIMES), len(SAFE_TIMES), 54)},
                CASE WHEN {u(55)} < 0.06 THEN 'Polish' WHEN {u(55)} < 0.10 THEN 'Urdu'
                     ELSE '' END,
                {u(55)} < 0.08, '', 0
            FROM gen_incident
            """,
            f"""
            INSERT INTO cases_riskassessment (id, case_id, victim_id, instrument_id, answers,
                yes_count, suggested_grade, potential_escalation, grade, rationale,
                assessed_by_id, assessed_at, review, reviewed_by_id, reviewed_at, review_reason,
                final_grade, lock_version)
            SELECT %(risk_base)s + g, case_id, %(party_base)s + 3 * g, %(instrument)s,
                ((ARRAY[{answers}]::jsonb[])[yes + 1]), yes,
                CASE WHEN yes >= 14 THEN 'high' WHEN yes > 0 THEN 'medium' ELSE 'standard' END,
                repeat_victim AND {u(60)} < 0.5, grade,
                CASE WHEN grade = CASE WHEN yes >= 14 THEN 'high' WHEN yes > 0 THEN 'medium'
                                       ELSE 'standard' END THEN ''
                     ELSE 'Professional judgement: the pattern of abuse is escalating.' END,
                owner_id, reported_at + interval '90 minutes',
                CASE WHEN reported_at > %(now)s - interval '2 days' THEN 'awaiting'
                     WHEN {u(61)} < 0.06 THEN 'changed' ELSE 'confirmed' END,
                CASE WHEN reported_at > %(now)s - interval '2 days' THEN NULL
                     ELSE supervisor_id END,
                CASE WHEN reported_at > %(now)s - interval '2 days' THEN NULL
                     ELSE reported_at + interval '20 hours' END,
                CASE WHEN reported_at <= %(now)s - interval '2 days' AND {u(61)} < 0.06
                     THEN 'Raised: previous incidents were not taken into account.'
                     ELSE '' END,
                CASE WHEN reported_at <= %(now)s - interval '2 days' AND {u(61)} < 0.06
                     THEN CASE grade WHEN 'standard' THEN 'medium' ELSE 'high' END
                     ELSE grade END,
                0
            FROM (SELECT *, CASE grade
                    WHEN 'high' THEN CASE WHEN u_yes < 0.8 THEN 14 + floor(u_yes / 0.8 * 9)
                                          ELSE 9 + floor((u_yes - 0.8) / 0.2 * 5) END
                    WHEN 'medium' THEN 1 + floor(u_yes * 13)
                    ELSE CASE WHEN u_yes < 0.7 THEN 0 ELSE 1 + floor((u_yes - 0.7) / 0.3 * 3) END
                  END::int AS yes FROM gen_incident) AS i
            """,
            """
            INSERT INTO cases_task (id, case_id, kind, dvpn_id, created_at, done_at, done_by_id,
                note)
            SELECT %(task_base)s + i.g, i.case_id, 'marac_referral', NULL, r.assessed_at,
                CASE WHEN r.assessed_at < %(now)s - interval '3 days'
                     THEN r.assessed_at + interval '1 day' END,
                CASE WHEN r.assessed_at < %(now)s - interval '3 days' THEN i.owner_id END, ''
            FROM gen_incident i JOIN cases_riskassessment r ON r.id = %(risk_base)s + i.g
            WHERE r.final_grade = 'high'
            """,
            """
            INSERT INTO cases_caseevent (case_id, kind, at, actor_id, summary)
            SELECT i.case_id, e.kind, i.reported_at + e.after, i.owner_id, e.summary
            FROM gen_incident i CROSS JOIN LATERAL (VALUES
                ('case_created', interval '50 minutes', 'Incident recorded'),
                ('person_added', interval '55 minutes', 'Victim added'),
                ('person_added', interval '56 minutes', 'Perpetrator (P) added'),
                ('safe_contact', interval '60 minutes', 'Safe-contact details recorded'),
                ('dash_recorded', interval '90 minutes', initcap(i.grade) || ' risk')
            ) AS e(kind, after, summary)
            """,
            """
            INSERT INTO cases_caseevent (case_id, kind, at, actor_id, summary)
            SELECT case_id, 'dash_reviewed', reviewed_at, reviewed_by_id,
                CASE review WHEN 'changed' THEN 'Grade changed to ' || final_grade
                            ELSE 'Grade confirmed' END
            FROM cases_riskassessment
            WHERE id BETWEEN %(risk_base)s + %(first)s AND %(risk_base)s + %(last)s
              AND reviewed_at IS NOT NULL
            """,
        ]
        with connection.cursor() as cursor:
            for number, sql in enumerate(statements):
                t0 = time.perf_counter()
                cursor.execute(sql, params)
                if self.verbosity > 1:
                    self.stdout.write(f"    stmt {number}: {time.perf_counter() - t0:.2f} s")
                if number > 1 and cursor.rowcount > 0:
                    self.add(cursor.rowcount)
            # History rows: one creation record per row, as simple-history writes on create.
            for model, where, date_sql, user_sql in (
                (
                    Case,
                    f"id BETWEEN {params['case_base'] + first} AND {params['case_base'] + last}",
                    "created_at",
                    "owner_id",
                ),
                (
                    Person,
                    f"id BETWEEN {params['person_base'] + 3 * first} AND "
                    f"{params['person_base'] + 3 * last + 2}",
                    "now()",
                    "NULL",
                ),
                (
                    Party,
                    f"id BETWEEN {params['party_base'] + 3 * first} AND "
                    f"{params['party_base'] + 3 * last + 2}",
                    "now()",
                    "NULL",
                ),
                (
                    SafeContact,
                    f"id BETWEEN {params['safe_base'] + first} AND {params['safe_base'] + last}",
                    "now()",
                    "NULL",
                ),
                (
                    RiskAssessment,
                    f"id BETWEEN {params['risk_base'] + first} AND {params['risk_base'] + last}",
                    "assessed_at",
                    "assessed_by_id",
                ),
                (
                    Task,
                    f"id BETWEEN {params['task_base'] + first} AND {params['task_base'] + last}",
                    "created_at",
                    "done_by_id",
                ),
            ):
                t0 = time.perf_counter()
                self.add(self.history_from_table(cursor, model, where, date_sql, user_sql))
                if self.verbosity > 1:
                    self.stdout.write(
                        f"    history {model.__name__}: {time.perf_counter() - t0:.2f} s"
                    )
            cursor.execute(
                """
                SELECT i.g, i.case_id, i.reported_at, i.owner_id, i.bcu_id, i.has_dvpn,
                       r.final_grade, i.is_open
                FROM gen_incident i JOIN cases_riskassessment r ON r.id = %(risk_base)s + i.g
                WHERE i.has_dvpn OR i.victims_code ORDER BY i.g
                """,
                params,
            )
            self.onward = cursor.fetchall()
        self.add(incidents=last - first + 1)

    @staticmethod
    def history_from_table(cursor, model, where, date_sql, user_sql) -> int:
        hist = model.history.model
        names, values = [], []
        for field in columns(hist, skip_id=True):
            names.append(connection.ops.quote_name(field.column))
            if field.name == "history_date":
                values.append(date_sql)
            elif field.name == "history_type":
                values.append("'+'")
            elif field.name == "history_user":
                values.append(user_sql)
            elif field.name == "history_change_reason":
                values.append("NULL")
            else:
                values.append(connection.ops.quote_name(field.column))
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(hist._meta.db_table)} ({', '.join(names)}) "  # noqa: S608
            f"SELECT {', '.join(values)} FROM {connection.ops.quote_name(model._meta.db_table)} "
            f"WHERE {where}"
        )
        return cursor.rowcount

    # --- notices, court, orders, breaches and referrals, made in Python ----------------------

    def python_batch(self):
        self.copiers = {
            m: Copier(m)
            for m in (DVPN, DVPOApplication, Hearing, DVPO, Breach, Task, Referral)
            + (ContactAttempt, FollowUp, Alert)
        }
        self.events = []
        self.flags = {}
        for g, case_id, reported_at, owner, bcu_id, has_dvpn, grade, _open in self.onward:
            rng = random.Random(self.seed * 7_919 + g)  # noqa: S311 - synthetic data
            victim_party = self.base["party"] + 3 * g
            if has_dvpn:
                self.dvpn_path(rng, case_id, reported_at, owner, bcu_id, victim_party, grade)
            else:
                self.referral(
                    rng,
                    case_id,
                    reported_at,
                    owner,
                    victim_party,
                    Referral.Kind.VICTIMS_CODE,
                    started=reported_at + dt.timedelta(hours=2),
                    order=None,
                )
        for name, copier in self.copiers.items():
            made = len(copier.rows)
            self.add(copier.flush(), **{str(name._meta.verbose_name_plural): made})
        if self.flags and apps.is_installed("reports"):
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(
                    "COPY reports_flag (case_id, code, flagged_at, source) FROM STDIN"
                ) as copy,
            ):
                for (case_id, code), at in self.flags.items():
                    copy.write_row((case_id, code, at, "live"))
            self.add(len(self.flags), **{"police record flags": len(self.flags)})
        if self.events:
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(
                    "COPY cases_caseevent (case_id, kind, at, actor_id, summary) FROM STDIN"
                ) as copy,
            ):
                for row in self.events:
                    copy.write_row(row)
            self.add(len(self.events))

    def flag(self, case_id, code, at):
        """The police record flags (domain.md section 6), first time each became true."""
        if at <= self.now:
            key = (case_id, code)
            self.flags[key] = min(at, self.flags.get(key, at))

    def event(self, case_id, kind, at, actor, summary=""):
        if at <= self.now:
            self.events.append((case_id, kind, at, actor, summary))

    def dvpn_path(self, rng, case_id, reported_at, owner, bcu_id, victim_party, grade):
        now = self.now
        c = self.copiers
        drafted = reported_at + dt.timedelta(minutes=rng.randint(100, 300))
        submitted = drafted + dt.timedelta(minutes=rng.randint(30, 90))
        decided = submitted + dt.timedelta(minutes=rng.randint(20, 150))
        served = decided + dt.timedelta(minutes=rng.randint(40, 600))
        if drafted > now:
            return
        supers = self.superintendents
        decider = supers[rng.randrange(len(supers))]
        refused = rng.random() < 0.05
        shares = rng.random() < 0.6
        dvpn = {
            "id": self.ids.take(DVPN),
            "case_id": case_id,
            "version": 1,
            "applicant_id": owner,
            "grounds": "P assaulted the victim and threatened further violence; "
            "a notice is needed to protect her.",
            "shares_premises": shares,
            "premises_no_enter": shares,
            "premises_leave": shares and rng.random() < 0.8,
            "exclusion_distance_m": 100 if rng.random() < 0.3 else None,
            "premises_address": "10 Example Street, Northshire" if shares else "",
            "child_welfare": "No children live at the address.",
            "victim_opinion": "The victim supports the notice.",
            "victim_opinion_steps": "Spoken to at the scene.",
            "p_representations": "P said he had done nothing wrong.",
            "why_other_means_insufficient": "No charge yet; bail conditions are not possible.",
            "status": DVPN.Status.DRAFT,
            "submitted_at": None,
        }
        events = [(CaseEvent.Kind.DVPN_DRAFTED, drafted, owner, "Version 1")]
        history = [(drafted, owner, "+", DVPN.Status.DRAFT)]
        if submitted <= now:
            dvpn.update(status=DVPN.Status.SUBMITTED, submitted_at=submitted)
            events.append((CaseEvent.Kind.DVPN_SUBMITTED, submitted, owner, "Version 1"))
            history.append((submitted, owner, "~", DVPN.Status.SUBMITTED))
        if decided <= now and dvpn["status"] == DVPN.Status.SUBMITTED:
            dvpn.update(
                decided_by_id=decider,
                decided_at=decided,
                decision_reasons="Refused: the grounds are not met on this evidence."
                if refused
                else "Authorised: violence used and the notice is necessary.",
                status=DVPN.Status.REFUSED if refused else DVPN.Status.AUTHORISED,
            )
            kind = CaseEvent.Kind.DVPN_REFUSED if refused else CaseEvent.Kind.DVPN_AUTHORISED
            if not refused:
                self.flag(case_id, "FP", decided)
            events.append((kind, decided, decider, "Version 1"))
            history.append((decided, decider, "~", dvpn["status"]))
        order = None
        if dvpn["status"] == DVPN.Status.AUTHORISED and served <= now:
            deadline = deadlines.hearing_deadline(served)
            dvpn.update(
                status=DVPN.Status.SERVED,
                served_at=served,
                served_by_id=owner,
                hearing_deadline=deadline,
                p_notice_address="4 Sample Road, Southbridge",
            )
            events.append((CaseEvent.Kind.DVPN_SERVED, served, owner, "Hearing deadline set"))
            self.flag(case_id, "FQ", served)
            history.append((served, owner, "~", DVPN.Status.SERVED))
            self.task(case_id, dvpn["id"], Task.Kind.PNC_ENTRY, served, owner, done_after=2)
            order = self.court(rng, dvpn, deadline, owner, case_id)
            history.append((dvpn.pop("_ended_at", served), None, "~", dvpn["status"]))
        full = c[DVPN].add(dvpn, at=drafted, by=owner, history=False)
        for at, by, kind, status in history:
            c[DVPN].hist({**full, "status": status}, at=at, by=by, kind=kind)
        for kind, at, by, summary in events:
            self.event(case_id, kind, at, by, summary)
        live = dvpn["status"] not in (DVPN.Status.DRAFT, DVPN.Status.SUBMITTED, DVPN.Status.REFUSED)
        if live and rng.random() < 0.93:
            self.referral(
                rng,
                case_id,
                reported_at,
                owner,
                victim_party,
                Referral.Kind.DVPO_SUPPORT,
                started=decided + dt.timedelta(minutes=30),
                order=order,
            )

    def task(self, case_id, dvpn_id, kind, at, owner, done_after=None):
        if at > self.now:
            return
        done = at + dt.timedelta(hours=done_after) if done_after is not None else None
        if done and done > self.now:
            done = None
        row = {
            "id": self.ids.take(Task),
            "case_id": case_id,
            "kind": kind,
            "dvpn_id": dvpn_id,
            "created_at": at,
            "done_at": done,
            "done_by_id": owner if done else None,
        }
        self.copiers[Task].add(row, at=at, by=owner)
        self.event(case_id, CaseEvent.Kind.TASK_CREATED, at, owner, Task.Kind(kind).label)
        if done:
            self.event(case_id, CaseEvent.Kind.TASK_DONE, done, owner, Task.Kind(kind).label)

    def court(self, rng, dvpn, deadline, owner, case_id):
        """The DVPO application, its hearings, the order and breaches; returns the order."""
        now, c = self.now, self.copiers
        served = dvpn["served_at"]
        created = served + dt.timedelta(hours=rng.uniform(1, 6))
        if created > now:
            return None
        late = rng.random() < 0.03
        if late:
            listed = deadline + dt.timedelta(hours=rng.uniform(1, 20))
        else:
            listed = served + dt.timedelta(hours=rng.uniform(8, 40))
            listed = min(listed, deadline - dt.timedelta(minutes=30))
        coordinator = self.coordinators[rng.randrange(len(self.coordinators))]
        app = {
            "id": self.ids.take(DVPOApplication),
            "dvpn_id": dvpn["id"],
            "court_id": self.courts[rng.randrange(len(self.courts))],
            "listed_for": listed,
            "listed_late": late,
            "status": DVPOApplication.Status.LISTED,
            "fee": DVPOApplication.Fee.UNCONTESTED,
            "presenting_officer_id": owner,
            "created_by_id": owner,
            "created_at": created,
        }
        for name in ("has_dvpn_copy", "has_complaint", "has_officer_statement", "has_dash"):
            app[name] = True
        app["has_victim_view"] = rng.random() < 0.8
        app["has_p_address"] = True
        app["has_evidence"] = rng.random() < 0.9
        self.event(case_id, CaseEvent.Kind.DVPO_APPLIED, created, owner, "Listed")
        self.task(case_id, dvpn["id"], Task.Kind.PNC_UPDATE, created, owner, done_after=3)
        order = None
        roll = rng.random()
        if listed <= now and (late or roll < 0.02):
            # No hearing started by the deadline: the DVPN lapsed.
            if deadline <= now:
                app["status"] = DVPOApplication.Status.LAPSED
                dvpn["status"] = DVPN.Status.LAPSED
                dvpn["_ended_at"] = deadline
                self.event(case_id, CaseEvent.Kind.DVPN_LAPSED, deadline, None)
                self.task(case_id, dvpn["id"], Task.Kind.PNC_REMOVAL, deadline, owner, 4)
        elif listed <= now:
            held = listed + dt.timedelta(minutes=rng.randint(0, 180))
            if held > now:
                held = listed
            if roll < 0.09:  # adjourned first (the DVPN continues), decided a week later
                self.hearing(app, held, Hearing.Outcome.ADJOURNED, coordinator, owner)
                self.event(case_id, CaseEvent.Kind.HEARING_ADJOURNED, held, coordinator)
                app["status"] = DVPOApplication.Status.ADJOURNED
                held = held + dt.timedelta(days=7)
                roll = rng.random()
            if held <= now:
                if roll < 0.72:
                    outcome, kind = Hearing.Outcome.GRANTED, CaseEvent.Kind.DVPO_GRANTED
                elif roll < 0.92:
                    outcome, kind = Hearing.Outcome.REFUSED, CaseEvent.Kind.DVPO_REFUSED
                else:
                    outcome, kind = Hearing.Outcome.WITHDRAWN, CaseEvent.Kind.DVPO_WITHDRAWN
                hearing = self.hearing(app, held, outcome, coordinator, owner)
                app["status"] = outcome
                app["decided_at"] = held
                dvpn["status"] = DVPN.Status.ENDED
                dvpn["_ended_at"] = held
                self.event(case_id, kind, held, coordinator)
                if outcome == Hearing.Outcome.GRANTED:
                    order = self.order(rng, case_id, app, hearing, dvpn, held, coordinator)
                else:
                    self.task(case_id, dvpn["id"], Task.Kind.PNC_REMOVAL, held, owner, 4)
        c[DVPOApplication].add(app, at=created, by=owner)
        if (
            rng.random() < 0.05
            and dvpn["status"] == DVPN.Status.SERVED
            or (rng.random() < 0.05 and order is None and dvpn["status"] == DVPN.Status.ENDED)
        ):
            end = min(now, dvpn.get("_ended_at") or now)
            self.breach(rng, case_id, owner, served, end, dvpn_id=dvpn["id"])
        return order

    def hearing(self, app, held, outcome, coordinator, owner):
        row = {
            "id": self.ids.take(Hearing),
            "application_id": app["id"],
            "held_at": held,
            "outcome": outcome,
            "reasons": "The court was satisfied on the balance of probabilities."
            if outcome == Hearing.Outcome.GRANTED
            else "",
            "adjournment_reason": "P's representative asked for time."
            if outcome == Hearing.Outcome.ADJOURNED
            else "",
            "adjourned_to": held + dt.timedelta(days=7)
            if outcome == Hearing.Outcome.ADJOURNED
            else None,
            "presented_by_id": owner,
            "recorded_by_id": coordinator,
        }
        return self.copiers[Hearing].add(row, at=held, by=coordinator)

    def order(self, rng, case_id, app, hearing, dvpn, held, coordinator):
        made_on = held.astimezone(LONDON).date()
        days = rng.choice([28, 28, 28, 28, 28, 21, 14])
        last_day = deadlines.order_last_day(made_on, days)
        expires = deadlines.order_expires_at(made_on, days)
        status = DVPO.Status.IN_FORCE if expires > self.now else DVPO.Status.EXPIRED
        discharged = None
        if (status == DVPO.Status.IN_FORCE or rng.random() < 0.02) and rng.random() < 0.02:
            discharged = min(self.now, held + dt.timedelta(days=rng.randint(3, days - 1)))
            status = DVPO.Status.DISCHARGED
        row = {
            "id": self.ids.take(DVPO),
            "case_id": case_id,
            "application_id": app["id"],
            "hearing_id": hearing["id"],
            "made_on": made_on,
            "made_at": held,
            "days": days,
            "last_day": last_day,
            "expires_at": expires,
            "status": status,
            "premises_no_enter": dvpn["premises_no_enter"],
            "premises_leave": dvpn["premises_leave"],
            "exclusion_distance_m": dvpn["exclusion_distance_m"],
            "discharged_at": discharged,
            "discharge_reason": "The victim and P have separated and moved away."
            if discharged
            else "",
        }
        order = self.copiers[DVPO].add(row, at=held, by=coordinator)
        self.flag(case_id, "FS", held)
        self.task(case_id, dvpn["id"], Task.Kind.PNC_ENTRY, held, coordinator, 2)
        if status == DVPO.Status.EXPIRED:
            self.event(case_id, CaseEvent.Kind.DVPO_EXPIRED, expires, None)
        if rng.random() < 0.26:
            end = min(self.now, discharged or expires)
            self.breach(rng, case_id, dvpn["applicant_id"], held, end, order_id=row["id"])
        return order

    def breach(self, rng, case_id, owner, start, end, *, dvpn_id=None, order_id=None):
        if end <= start + dt.timedelta(hours=1):
            return
        occurred = start + (end - start) * rng.uniform(0.05, 0.95)
        recorded = min(self.now, occurred + dt.timedelta(minutes=rng.randint(20, 300)))
        row = {
            "id": self.ids.take(Breach),
            "case_id": case_id,
            "dvpn_id": dvpn_id,
            "order_id": order_id,
            "occurred_at": occurred,
            "prohibition": rng.choice(["molestation"] * 4 + ["no_enter", "distance"]),
            "reported_by": rng.choice(
                ["victim"] * 4 + ["police"] * 3 + ["caseworker"] * 2 + ["third_party"]
            ),
            "description": "P came to the address and shouted at the victim.",
            "recorded_by_id": owner,
            "recorded_at": recorded,
        }
        self.event(case_id, CaseEvent.Kind.BREACH_RECORDED, recorded, owner)
        self.flag(case_id, "FU" if order_id else "FT", occurred)
        if rng.random() < 0.75:
            arrested = occurred + dt.timedelta(minutes=rng.randint(30, 600))
            if arrested <= self.now:
                row["arrested_at"] = arrested
                row["production_deadline"] = deadlines.production_deadline(arrested)
                self.event(case_id, CaseEvent.Kind.BREACH_ARREST, arrested, owner)
                if row["production_deadline"] < self.now and order_id:
                    roll = rng.random()
                    row["outcome_on"] = row["production_deadline"].astimezone(LONDON).date()
                    if roll < 0.6:
                        row["outcome"] = Breach.Outcome.FINE
                        row["fine_pounds"] = Decimal(rng.choice([50, 100, 150, 250, 500]))
                    elif roll < 0.85:
                        row["outcome"] = Breach.Outcome.NO_ACTION
                    elif roll < 0.92:
                        row["outcome"] = Breach.Outcome.COMMITTAL
                        row["committal_days"] = rng.choice([7, 14, 28, 56])
                    else:
                        row["outcome"] = Breach.Outcome.ADJOURNED
                    self.event(
                        case_id, CaseEvent.Kind.BREACH_OUTCOME, row["production_deadline"], owner
                    )
                elif row["production_deadline"] < self.now:
                    # A notice's breach goes before the court with the DVPO application, which
                    # has no sanction for it (courts.rules.sanction_problem).
                    row["outcome_on"] = row["production_deadline"].astimezone(LONDON).date()
                    row["outcome"] = Breach.Outcome.NO_ACTION
                    self.event(
                        case_id, CaseEvent.Kind.BREACH_OUTCOME, row["production_deadline"], owner
                    )
        self.copiers[Breach].add(row, at=recorded, by=owner)

    def referral(self, rng, case_id, reported_at, owner, victim_party, kind, *, started, order):
        now, c = self.now, self.copiers
        if started > now:
            return
        consent_at = started + dt.timedelta(minutes=rng.randint(5, 60))
        row = {
            "id": self.ids.take(Referral),
            "case_id": case_id,
            "victim_id": victim_party,
            "kind": kind,
            "status": Referral.Status.DRAFT,
            "due_at": deadlines.referral_due(reported_at),
            "what_done": "DVPN served; safety advice given; locks changed."
            if order is not None or kind == Referral.Kind.DVPO_SUPPORT
            else "Safety advice given at the scene.",
            "created_by_id": owner,
            "created_at": started,
        }
        self.event(case_id, CaseEvent.Kind.REFERRAL_STARTED, started, owner)
        if consent_at > now:
            c[Referral].add(row, at=started, by=owner)
            return
        row.update(consent_recorded_by_id=owner, consent_recorded_at=consent_at)
        if rng.random() < 0.15:
            row.update(
                consent=Referral.Consent.DECLINED,
                status=Referral.Status.CLOSED,
                self_referral_explained=True,
                duty_met_at=consent_at,
                closed_at=consent_at,
            )
            self.event(case_id, CaseEvent.Kind.REFERRAL_CONSENT, consent_at, owner, "Declined")
            c[Referral].add(row, at=started, by=owner)
            return
        row["consent"] = Referral.Consent.GIVEN
        self.event(case_id, CaseEvent.Kind.REFERRAL_CONSENT, consent_at, owner, "Consent given")
        sent = consent_at + dt.timedelta(minutes=rng.randint(10, 1200))
        if sent > now:
            c[Referral].add(row, at=started, by=owner)
            return
        weights = [3] + [1] * (len(self.services) - 1)
        service = rng.choices(self.services, weights)[0].pk
        workers = self.caseworkers[service] or [owner]
        row.update(
            status=Referral.Status.SENT,
            service_id=service,
            sent_at=sent,
            sent_by_id=owner,
            duty_met_at=sent,
            first_contact_due_at=referral_rules.first_contact_due(sent, deadlines.PUBLISHED),
            call_near_expiry_ok=rng.random() < 0.5,
        )
        self.event(case_id, CaseEvent.Kind.REFERRAL_SENT, sent, owner)
        caseworker = workers[rng.randrange(len(workers))]
        accepted = sent + dt.timedelta(hours=rng.uniform(0.5, 20))
        if accepted <= now and rng.random() < 0.9:
            row.update(
                status=Referral.Status.ACCEPTED, accepted_at=accepted, accepted_by_id=caseworker
            )
            self.event(case_id, CaseEvent.Kind.REFERRAL_ACCEPTED, accepted, caseworker)
        # Contact attempts: on until contact is made, at different times of day.
        at = sent + dt.timedelta(hours=rng.uniform(1, 20))
        failed, reached = 0, False
        for _ in range(rng.choice([1, 2, 3, 4, 4, 5, 5, 6, 6, 7, 8, 9])):
            if at > now:
                break
            roll = rng.random()
            if roll < 0.52:
                outcome = ContactAttempt.Outcome.NO_ANSWER
            elif roll < 0.72:
                outcome = ContactAttempt.Outcome.SPOKE
            elif roll < 0.80:
                outcome = ContactAttempt.Outcome.ENGAGED
            elif roll < 0.87:
                outcome = ContactAttempt.Outcome.UNSAFE_TO_TALK
            elif roll < 0.91:
                outcome = ContactAttempt.Outcome.WRONG_NUMBER
            elif roll < 0.98:
                outcome = ContactAttempt.Outcome.DECLINED_SUPPORT
            else:
                outcome = ContactAttempt.Outcome.P_PRESENT
            attempt = {
                "id": self.ids.take(ContactAttempt),
                "referral_id": row["id"],
                "at": at,
                "method": ContactAttempt.Method.PHONE_WITHHELD,
                "outcome": outcome,
                "notes": "Confidential note (generated).",
                "by_id": caseworker,
                "recorded_at": at + dt.timedelta(minutes=5),
            }
            c[ContactAttempt].add(attempt, at=at, by=caseworker)
            if outcome == ContactAttempt.Outcome.P_PRESENT:
                self.event(case_id, CaseEvent.Kind.SUSPECTED_BREACH, at, caseworker)
                c[Alert].add(
                    {
                        "id": self.ids.take(Alert),
                        "recipient_id": owner,
                        "case_id": case_id,
                        "referral_id": row["id"],
                        "kind": Alert.Kind.SUSPECTED_BREACH,
                        "message": "Suspected breach reported by the support service.",
                        "created_at": at,
                        "read_at": at + dt.timedelta(hours=2)
                        if at + dt.timedelta(hours=2) < now
                        else None,
                    },
                    at=at,
                    by=caseworker,
                    history=False,
                )
            if referral_rules.attempt_failed(outcome):
                failed += 1
            else:
                reached = True
                if outcome == ContactAttempt.Outcome.DECLINED_SUPPORT or rng.random() < 0.2:
                    break  # otherwise support calls go on through the order
            at += dt.timedelta(hours=rng.choice([5, 9, 20, 26, 30, 50]))
        age = now - sent
        if age > dt.timedelta(days=30):
            if not reached and failed >= 3:
                row.update(
                    status=Referral.Status.RETURNED,
                    return_kind=Referral.ReturnKind.UNABLE_TO_CONTACT,
                    return_reason="Several attempts at different times failed.",
                    returned_at=at,
                    returned_by_id=caseworker,
                    escalated_at=at - dt.timedelta(hours=1),
                )
                self.event(case_id, CaseEvent.Kind.REFERRAL_RETURNED, at, caseworker)
            else:
                closed = sent + dt.timedelta(days=rng.randint(10, 28))
                row.update(status=Referral.Status.CLOSED, closed_at=closed)
                if not row.get("accepted_at"):
                    row.update(accepted_at=sent + dt.timedelta(hours=2), accepted_by_id=caseworker)
                self.event(case_id, CaseEvent.Kind.REFERRAL_CLOSED, closed, caseworker)
        elif failed >= 3 and not reached:
            row["escalated_at"] = at - dt.timedelta(hours=1)
        if order is not None and row.get("accepted_at") and row["call_near_expiry_ok"]:
            expires = order["expires_at"]
            for fkind, due in (
                (FollowUp.Kind.NEAR_EXPIRY, expires - referral_rules.NEAR_EXPIRY_NOTICE),
                (FollowUp.Kind.AFTER_EXPIRY, expires + dt.timedelta(days=1)),
            ):
                done = due + dt.timedelta(hours=3) if due + dt.timedelta(hours=3) < now else None
                c[FollowUp].add(
                    {
                        "id": self.ids.take(FollowUp),
                        "referral_id": row["id"],
                        "kind": fkind,
                        "due_at": due,
                        "done_at": done,
                        "done_by_id": caseworker if done else None,
                        "outcome": "Victim safe; no further contact from P." if done else "",
                    },
                    at=sent,
                    by=caseworker,
                )
        c[Referral].add(row, at=started, by=owner)
