"""One search across what a user may see: engagements, recipients and units, persons of interest (by any of their
names), incidents (description and place), mitigation measures, letters and comments.

On PostgreSQL each kind is searched with full-text search under the 'simple' configuration: the records mix English
and French, and most of what is looked for is proper names (of people, units, places), which an English stemmer
would mangle ("Kael" and "Kaels" are different people); 'simple' lower-cases and matches whole words, and the query is
read as a web search (quoted phrases, -word). Elsewhere (SQLite, the embedded default) every word must appear in one of
the fields, case-insensitively. Each kind returns at most LIMIT rows, one query each, ranked (PostgreSQL) or newest
first. Every kind is scoped by hrddp.access exactly as its list is; victims', witnesses' and sources' details are not
among the fields searched, for anyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from discussion.models import Comment
from discussion.targets import TARGETS
from hrddp import access
from hrddp.models import Engagement, PersonOfInterest, Recipient
from interventions.models import Letter
from mitigation.models import MitigationMeasure
from monitoring.models import Incident
from register.models import PersonAlias

LIMIT = 20
QUERY_MAX = 200
WORDS_MAX = 8
CONFIG = "simple"


def words_of(query: str) -> list[str]:
    words = re.findall(r"[\w'’-]+", (query or "")[:QUERY_MAX], flags=re.UNICODE)
    return [w for w in words if len(w) > 1 or w.isdigit()][:WORDS_MAX]


def highlight(text: str, words: list[str], *, around: int = 160) -> SafeString:
    """`text` escaped, cut to a window around the first match, each matching word wrapped in <mark>."""
    text = text or ""
    if not words:
        return escape(Truncator(text).chars(around * 2))
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, first.start() - around // 2) if first else 0
    end = min(len(text), start + around * 2)
    window = text[start:end]
    out, last = [], 0
    for match in pattern.finditer(window):
        out.append(escape(window[last:match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(window[last:]))
    return mark_safe(("…" if start else "") + "".join(out) + ("…" if end < len(text) else ""))


@dataclass
class Hit:
    title: SafeString
    url: str
    snippet: SafeString | str = ""
    meta: str = ""


@dataclass
class Section:
    key: str
    label: str
    hits: list[Hit] = field(default_factory=list)
    more: bool = False


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _match(queryset: QuerySet, fields: list[str], query: str, words: list[str], *, newest: str) -> QuerySet:
    if _postgres():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(*fields, config=CONFIG)
        search = SearchQuery(query[:QUERY_MAX], config=CONFIG, search_type="websearch")
        # The match is the @@ operator; a rank alone is never zero (PostgreSQL gives non-matches 1e-20).
        return (
            queryset.annotate(search_doc=vector, search_rank=SearchRank(vector, search))
            .filter(search_doc=search).order_by("-search_rank", newest)
        )
    condition = Q()
    for word in words:
        condition &= reduce(or_, (Q(**{f"{f}__icontains": word}) for f in fields))
    return queryset.filter(condition).order_by(newest)


def _take(queryset: QuerySet) -> tuple[list, bool]:
    rows = list(queryset[: LIMIT + 1])
    return rows[:LIMIT], len(rows) > LIMIT


def _engagements(user, query, words) -> Section:
    section = Section("engagements", _("Engagements"))
    qs = access.scoped_by_engagement(Engagement.objects.select_related("recipient", "office"), user, "")
    rows, section.more = _take(_match(qs, ["reference", "title"], query, words, newest="-created_at"))
    section.hits = [
        Hit(highlight(f"{e.reference} · {e.title}", words), reverse("engagement_detail", args=[e.pk]),
            meta=f"{e.recipient.name} · {e.office.name} · {e.get_state_display()}")
        for e in rows
    ]
    return section


def _recipients(user, query, words) -> Section:
    section = Section("recipients", _("Recipients and units"))
    qs = access.visible_recipients(user, Recipient.objects.select_related("parent"))
    rows, section.more = _take(_match(qs, ["name"], query, words, newest="name"))
    section.hits = [
        Hit(highlight(r.name, words), reverse("recipient_detail", args=[r.pk]),
            meta=" · ".join(x for x in [r.get_level_display(), r.parent.name if r.parent else "", r.country] if x))
        for r in rows
    ]
    return section


def _persons(user, query, words) -> Section:
    section = Section("persons", _("Persons of interest"))
    visible = access.scoped_by_country(PersonOfInterest.objects.all(), user, "recipient__country")
    by_alias = _match(PersonAlias.objects.filter(person__in=visible.values("pk")), ["name"], query, words, newest="pk")
    by_name = _match(visible, ["full_name"], query, words, newest="full_name").values("pk")
    alias_ids = by_alias.order_by().values("person_id")
    qs = (
        visible.filter(Q(pk__in=by_name) | Q(pk__in=alias_ids))
        .select_related("recipient").prefetch_related("aliases").order_by("full_name", "pk")
    )
    rows, section.more = _take(qs)
    pattern = [w.lower() for w in words]
    for p in rows:
        other = [a.name for a in p.aliases.all() if any(w in a.name.lower() for w in pattern)]
        section.hits.append(Hit(
            highlight(p.full_name, words), reverse("person_detail", args=[p.pk]),
            snippet=highlight(_("also known as ") + "; ".join(other), words) if other else "",
            meta=" · ".join(x for x in [p.rank, p.recipient.name] if x),
        ))
    return section


def _incidents(user, query, words) -> Section:
    section = Section("incidents", _("Incidents"))
    # Only the description and the place: victims', witnesses' and sources' details are never searched.
    qs = access.scoped_by_engagement(
        # Not even read: the confidential fields stay in the database.
        Incident.objects.select_related("engagement", "recipient").defer("victims", "witnesses", "source_details"),
        user, "engagement",
    )
    rows, section.more = _take(_match(qs, ["description", "place"], query, words, newest="-occurred_on"))
    section.hits = [
        Hit(highlight(f"{i.occurred_on:%d %b %Y} · {i.place or i.recipient.name}", words),
            reverse("incident_detail", args=[i.engagement_id, i.pk]), snippet=highlight(i.description, words),
            meta=i.engagement.reference)
        for i in rows
    ]
    return section


def _measures(user, query, words) -> Section:
    section = Section("measures", _("Mitigation measures"))
    qs = access.scoped_by_engagement(
        MitigationMeasure.objects.select_related("plan__engagement"), user, "plan__engagement"
    )
    rows, section.more = _take(_match(qs, ["title", "owner"], query, words, newest="-pk"))
    section.hits = [
        Hit(highlight(m.title, words), reverse("mitigation_plan", args=[m.plan.engagement_id]),
            meta=f"{m.plan.engagement.reference} · {m.get_status_display()}")
        for m in rows
    ]
    return section


def _letters(user, query, words) -> Section:
    section = Section("letters", _("Letters"))
    qs = access.scoped_by_engagement(Letter.objects.select_related("engagement"), user, "engagement")
    rows, section.more = _take(_match(qs, ["reference", "subject", "body"], query, words, newest="-created_at"))
    section.hits = [
        Hit(highlight(f"{letter.reference} · {letter.subject or letter.get_kind_display()}", words),
            reverse("letter_detail", args=[letter.engagement_id, letter.pk]), snippet=highlight(letter.body, words),
            meta=letter.engagement.reference)
        for letter in rows
    ]
    return section


def _comments(user, query, words) -> Section:
    section = Section("comments", _("Comments"))
    qs = access.scoped_by_engagement(
        Comment.objects.select_related("engagement", "author", "target_type"), user, "engagement"
    )
    rows, section.more = _take(_match(qs, ["body"], query, words, newest="-created_at"))
    # The page each comment is read on; an assessment's needs its version number (one query for all of them).
    kinds = {(t.model._meta.app_label, t.model._meta.model_name): t for t in TARGETS.values()}
    assessment_ids = [c.target_id for c in rows if (c.target_type.app_label, c.target_type.model) == ("assessments", "riskassessment")]
    versions = {}
    if assessment_ids:
        from assessments.models import RiskAssessment

        versions = dict(RiskAssessment.objects.filter(pk__in=assessment_ids).values_list("pk", "version"))
    for c in rows:
        target = kinds.get((c.target_type.app_label, c.target_type.model))
        url = reverse("engagement_detail", args=[c.engagement_id])
        if target is not None and target.key == "assessment" and c.target_id in versions:
            url = reverse("risk_assessment_version", args=[c.engagement_id, versions[c.target_id]])
        elif target is not None and target.key == "plan":
            url = reverse("mitigation_plan", args=[c.engagement_id])
        elif target is not None and target.key == "incident":
            url = reverse("incident_detail", args=[c.engagement_id, c.target_id])
        elif target is not None and target.key == "case":
            url = reverse("case_detail", args=[c.engagement_id, c.target_id])
        section.hits.append(Hit(
            mark_safe(escape(c.author.get_full_name() or c.author.username)), f"{url}#comment-{c.pk}",
            snippet=highlight(c.body, words), meta=f"{c.engagement.reference} · {c.created_at:%d %b %Y}",
        ))
    return section


SEARCHES = (_engagements, _recipients, _persons, _incidents, _measures, _letters, _comments)


def search(user, query: str) -> list[Section]:
    """The sections that found something, in a fixed order; nothing for a query of no word."""
    query = (query or "").strip()[:QUERY_MAX]
    words = words_of(query)
    if not words or not getattr(user, "is_authenticated", False):
        return []
    sections = [run(user, query, words) for run in SEARCHES]
    return [s for s in sections if s.hits]
