"""Time the portfolio pages on a generated portfolio (see benchmarks/README.md).

    DATABASE_URL=... .venv/bin/python benchmarks/portfolio.py [--runs 5] [--only export]

Each page is fetched once to warm up (that fetch also counts its queries),
then timed over N runs: median, min and max. A page whose URL name does not
resolve yet, or that answers 404, is reported as not available.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Debug on: no HTTPS redirect, the development secret key, and queries recorded.
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from hrddp.models import Engagement, User  # noqa: E402
from interventions.models import Letter  # noqa: E402
from mitigation.models import MitigationMeasure  # noqa: E402
from monitoring.models import Incident  # noqa: E402

HQ, PM = "bench.hq", "bench.pm"


@dataclass(frozen=True)
class Case:
    name: str
    kwargs: tuple[tuple[str, str], ...] = ()
    query: str = ""
    user: str = HQ

    @property
    def label(self) -> str:
        args = ",".join(v for _, v in self.kwargs)
        text = f"{self.name}({args})" if args else self.name
        if self.query:
            text += f" ?{self.query}"
        return text + (" [pm]" if self.user == PM else "")


@dataclass(frozen=True)
class Result:
    case: Case
    note: str = ""
    status: int = 0
    times: tuple[float, ...] = ()
    queries: int = 0
    size: int = 0


def _export_filters() -> dict[str, list[str]]:
    # Half a year of incidents stays under the export cap that the whole portfolio exceeds.
    half_year_ago = (timezone.localdate() - timedelta(days=182)).isoformat()
    return {
        "engagements": ["state=active&risk=high"],
        "incidents": ["category=war_crimes", f"start={half_year_ago}"],
        "measures": ["overdue=yes"],
        "letters": ["kind=notification"],
    }


def cases() -> list[Case]:
    found = [
        Case("dashboard"),
        Case("dashboard", user=PM),
        Case("engagement_list"),
        Case("engagement_list", query="state=active&risk=high"),
        Case("engagement_list", query="overdue=reassessment"),
        Case("engagement_list", query="overdue=measures"),
        Case("engagement_list", query="page=50"),
        Case("engagement_list", user=PM),
        Case("incident_overview"),
        Case("incident_overview", query="category=war_crimes"),
        Case("incident_overview", query="grave=yes&channel=un_monitoring"),
        Case("incident_overview", query="page=50"),
        Case("incident_overview", user=PM),
        Case("measure_overview"),
        Case("measure_overview", query="overdue=yes"),
        Case("letter_overview"),
        Case("letter_overview", query="kind=intercession&status=draft"),
        # The API's lists beside the pages' (the browser session authenticates them, as a token would).
        Case("api-engagement-list"),
        Case("api-engagement-list", query="state=active"),
        Case("api-engagement-list", query="page=50"),
        Case("api-engagement-list", user=PM),
        Case("api-incident-list"),
        Case("api-incident-list", user=PM),
    ]
    for kind, queries in _export_filters().items():
        for fmt in ("csv", "xlsx"):
            kwargs = (("kind", kind), ("fmt", fmt))
            found += [Case("list_export", kwargs)] + [Case("list_export", kwargs, query=q) for q in queries]
    found.append(Case("list_export", (("kind", "engagements"), ("fmt", "csv")), user=PM))
    return found


def _fetch(client: Client, url: str) -> tuple[int, int]:
    """Status and body size; a streamed body is read to the end, as a browser would."""
    response = client.get(url)
    if response.streaming:
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    response.close()
    return response.status_code, size


def measure(*, case: Case, client: Client, runs: int) -> Result:
    try:
        url = reverse(case.name, kwargs=dict(case.kwargs))
    except NoReverseMatch:
        return Result(case, note="not available")
    if case.query:
        url += "?" + case.query
    try:
        # With DEBUG on, earlier queries are in the log too: start the count from an empty one.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            status, size = _fetch(client, url)
    except Exception as exc:  # a page under construction may fail; report it and go on
        return Result(case, note=f"error: {type(exc).__name__}: {exc}"[:120])
    if status == 404:
        return Result(case, note="not available", status=status)
    if status != 200:
        return Result(case, note=f"answered {status} ({len(captured)} queries, {_size(size)})", status=status)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        _fetch(client, url)
        times.append(time.perf_counter() - started)
    return Result(case, status=status, times=tuple(times), queries=len(captured), size=size)


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def print_table(results: list[Result]) -> None:
    width = max(len(r.case.label) for r in results)
    print(f"{'page':<{width}}  {'median':>9}  {'min':>9}  {'max':>9}  {'queries':>7}  {'size':>9}")
    for r in results:
        if not r.times:
            print(f"{r.case.label:<{width}}  {r.note}")
            continue
        ms = [t * 1000 for t in r.times]
        print(
            f"{r.case.label:<{width}}  {statistics.median(ms):7.0f}ms  {min(ms):7.0f}ms  {max(ms):7.0f}ms"
            f"  {r.queries:>7}  {_size(r.size):>9}"
        )


def _clients() -> dict[str, Client]:
    clients = {}
    for username in (HQ, PM):
        user = User.objects.filter(username=username).first()
        if user is None:
            sys.exit(f"No user {username}: generate the portfolio first (manage.py generate_portfolio).")
        # The hosts the settings allow, rather than the test client's "testserver".
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        clients[username] = client
    return clients


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="", help="Measure only the pages whose label contains this text.")
    args = parser.parse_args()
    db = settings.DATABASES["default"]
    print(f"Database: {connection.vendor} {db['NAME']}  (DEBUG={settings.DEBUG}, {args.runs} runs after one warm-up)")
    print(
        f"Data: {Engagement.objects.count():,} engagements, {Incident.objects.count():,} incidents, "
        f"{MitigationMeasure.objects.count():,} measures, {Letter.objects.count():,} letters"
    )
    clients = _clients()
    results = []
    for case in cases():
        if args.only and args.only not in case.label:
            continue
        results.append(measure(case=case, client=clients[case.user], runs=args.runs))
        print(f"  measured {case.label}", file=sys.stderr, flush=True)
    print()
    print_table(results)


if __name__ == "__main__":
    main()
