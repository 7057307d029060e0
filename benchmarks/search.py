"""Time the search page (/search/?q=) on a generated portfolio (see benchmarks/README.md, section 1).

    DATABASE_URL=... .venv/bin/python benchmarks/search.py [--runs 5]

Each query is fetched once to warm up (that fetch also counts its queries), then timed over N runs, as HQ (every
office: no scoping at all) and as a project manager (one office). The words are those the generator writes: a city
that names hundreds of incidents' places, a person's family name, a word of every engagement's title, and a phrase.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from discussion.models import Comment  # noqa: E402
from hrddp.models import Engagement, PersonOfInterest, User  # noqa: E402
from monitoring.models import Incident  # noqa: E402

USERS = ("bench.hq", "bench.pm")
QUERIES = ("Kessin", "Petrov", "support", "Kessin district", "Amara Kovac")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    db = settings.DATABASES["default"]
    print(f"Database: {connection.vendor} {db['NAME']}  ({args.runs} runs after one warm-up)")
    print(f"Data: {Engagement.objects.count():,} engagements, {Incident.objects.count():,} incidents, "
          f"{PersonOfInterest.objects.count():,} persons, {Comment.objects.count():,} comments")
    print(f"{'query':<22} {'user':<9} {'median':>8} {'min':>8} {'max':>8} {'queries':>8} {'hits':>5}")
    for username in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            sys.exit(f"No user {username}: generate the portfolio first (manage.py generate_portfolio).")
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        for q in QUERIES:
            url = f"{reverse('search')}?q={q}"
            # With DEBUG on, earlier queries are in the log too: start the count from an empty one.
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, response.status_code
            hits = response.content.decode().count('<li><a href="')
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            print(f"{q:<22} {username.removeprefix('bench.'):<9} {statistics.median(times):7.0f}ms "
                  f"{min(times):7.0f}ms {max(times):7.0f}ms {len(captured):>8} {hits:>5}")


if __name__ == "__main__":
    main()
