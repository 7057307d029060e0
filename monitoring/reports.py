"""The quarterly reports (domain.md section 6; T/Box 6): one indicator report per engagement
that was active during the quarter, sent to its project manager, Chief of Mission and HQ,
and a portfolio roll-up for HQ.

Each report is rendered once to a PDF (common.pdf: WeasyPrint, fetching only the
app's own static files), stored with the SHA-256 of its bytes, and never changes. A report
exists once per engagement and quarter (portfolio: once per quarter): running
the job again, or twice at once, creates nothing new and sends nothing twice.

The job selects the engagements in one query, computes every count in one
query per batch (and the PM's figures in one more), then renders report after
report; a failure for one engagement is logged and the others go on. The one
that failed has no report row, so the next run makes it.

Beat's run spreads the rendering over the worker pool: it enqueues one task per
chunk of engagements without a report (`reports_to_make`, `report_chunk_make`)
and one task for the roll-up, which waits, polling, until no report is missing
(`portfolio_when_done`). No result backend is needed: completion is read from
the report rows themselves. By hand (`run_job`), the same work runs in one
process (`reports_for_quarter`).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from common.pdf import pdf_render, static_path_url
from hrddp.models import AuditAction, AuditEntry, Engagement, Reminder, Role, User
from hrddp.notify import notify
from hrddp.tasks import reminders_enqueue
from monitoring.indicators import (
    COUNT_KEYS,
    COUNT_LABELS,
    MITIGATION_HEADING,
    PERIOD_NOTE,
    SUPPORT_ENDED_STATES,
    UNFOUNDED_NOTE,
    VIOLATIONS_HEADING,
    Counts,
    IndicatorTable,
    indicator_table,
    indicator_tables,
)
from monitoring.models import IndicatorReport, PortfolioReport
from monitoring.quarters import Quarter, quarter_of

logger = logging.getLogger(__name__)

REPORT_STYLESHEET = "css/reports.css"

# Engagements whose tables are built together: one counting query per batch.
BATCH_SIZE = 200


class ReportStoredPdfMismatch(Exception):
    """The stored PDF does not match the SHA-256 recorded when it was made."""


# --- Which engagements a quarter's reports cover ---------------------------------------------


def engagements_active_during(quarter: Quarter) -> QuerySet[Engagement]:
    """Engagements whose support was approved by the quarter's last day and had not ended before its first.

    Support goes on through intercession, suspension and reassessment; it ends when the engagement is
    closed, ceased or declined. One query, with office, project and recipient."""
    approved_by_then = Exists(
        AuditEntry.objects.filter(engagement=OuterRef("pk"), action=AuditAction.APPROVE_SUPPORT, at__date__lte=quarter.end)
    )
    return (
        Engagement.objects.filter(Q(support_approved_at__date__lte=quarter.end) | approved_by_then)
        .exclude(state__in=SUPPORT_ENDED_STATES, state_changed_at__date__lt=quarter.start)
        .select_related("office", "project", "recipient")
        .order_by("office__name", "reference")
    )


def _batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- Rendering -------------------------------------------------------------------------------


def _quarter_dates(quarter: Quarter) -> str:
    return f"{quarter.start.day} {quarter.start:%B} – {quarter.end.day} {quarter.end:%B %Y}"


def indicator_report_html(*, engagement: Engagement, quarter: Quarter, table: IndicatorTable | None = None) -> str:
    """The indicator report as HTML: the engagement's identity and the ten indicators of the quarter beside
    the quarters before it."""
    table = table or indicator_table(engagement=engagement, quarter=quarter)
    return render_to_string(
        "monitoring/pdf/indicator_report.html",
        {
            "engagement": engagement, "office": engagement.office, "project": engagement.project,
            "recipient": engagement.recipient, "quarter": quarter, "quarter_dates": _quarter_dates(quarter),
            "table": table, "measurement": table.measurement, "generated_on": timezone.localdate(),
            "violations_heading": VIOLATIONS_HEADING, "mitigation_heading": MITIGATION_HEADING,
            "period_note": PERIOD_NOTE, "unfounded_note": UNFOUNDED_NOTE, "stylesheets": [static_path_url(REPORT_STYLESHEET)],
        },
    )


def _store(instance, filename: str, content: bytes, *, after_save=None):
    """Save a new report row with its PDF; the row's unique key makes a second one fail (IntegrityError)."""
    stored_name = None
    try:
        with transaction.atomic():
            instance.sha256 = hashlib.sha256(content).hexdigest()
            instance.pdf.save(filename, ContentFile(content), save=False)
            stored_name = instance.pdf.name
            instance.save()
            if after_save is not None:
                after_save(instance)
    except BaseException:
        # The file is not part of the transaction: remove what a failed save stored.
        if stored_name:
            instance.pdf.storage.delete(stored_name)
        raise
    return instance


def indicator_report_create(
    *, engagement: Engagement, quarter: Quarter, table: IndicatorTable | None = None
) -> IndicatorReport:
    """The engagement's indicator report of the quarter as a stored PDF with its SHA-256; once only:
    when it exists already (or another run makes it meanwhile), that one is returned."""
    existing = IndicatorReport.objects.filter(engagement=engagement, quarter_start=quarter.start).first()
    if existing is not None:
        return existing
    content = pdf_render(indicator_report_html(engagement=engagement, quarter=quarter, table=table))
    report = IndicatorReport(engagement=engagement, quarter_start=quarter.start, created_at=timezone.now())
    try:
        return _store(report, f"indicators-{engagement.reference}-{quarter.label}.pdf", content)
    except IntegrityError:
        return IndicatorReport.objects.get(engagement=engagement, quarter_start=quarter.start)


# --- The portfolio roll-up ------------------------------------------------------------------


@dataclass
class PortfolioLine:
    engagement: Engagement
    counts: Counts
    figures_entered: bool

    @property
    def values(self) -> list[int]:
        return [getattr(self.counts, key) for key in COUNT_KEYS]


@dataclass
class OfficeBlock:
    office: object
    lines: list[PortfolioLine] = field(default_factory=list)

    @property
    def total(self) -> Counts:
        return sum((line.counts for line in self.lines), Counts())

    @property
    def total_values(self) -> list[int]:
        return [getattr(self.total, key) for key in COUNT_KEYS]

    @property
    def figures_missing(self) -> int:
        return sum(1 for line in self.lines if not line.figures_entered)


def portfolio_blocks(*, engagements: list[Engagement], tables: dict[int, IndicatorTable]) -> list[OfficeBlock]:
    blocks: dict[int, OfficeBlock] = {}
    for e in engagements:
        table = tables[e.pk]
        block = blocks.setdefault(e.office_id, OfficeBlock(e.office))
        block.lines.append(PortfolioLine(e, table.quarter_counts(), table.figures_entered))
    return sorted(blocks.values(), key=lambda b: (b.office.name, b.office.pk))


def portfolio_report_html(*, quarter: Quarter, blocks: list[OfficeBlock]) -> str:
    total = sum((b.total for b in blocks), Counts())
    return render_to_string(
        "monitoring/pdf/portfolio_report.html",
        {
            "quarter": quarter, "quarter_dates": _quarter_dates(quarter), "blocks": blocks,
            "engagement_count": sum(len(b.lines) for b in blocks),
            "figures_missing": sum(b.figures_missing for b in blocks),
            "total_values": [getattr(total, key) for key in COUNT_KEYS],
            "legend": [(n, COUNT_LABELS[key]) for n, key in enumerate(COUNT_KEYS, start=1)],
            "columns": list(range(1, len(COUNT_KEYS) + 1)),
            "violations_heading": VIOLATIONS_HEADING, "period_note": PERIOD_NOTE, "unfounded_note": UNFOUNDED_NOTE,
            "generated_on": timezone.localdate(), "stylesheets": [static_path_url(REPORT_STYLESHEET)],
        },
    )


def hq_users() -> QuerySet[User]:
    return User.objects.filter(
        memberships__role=Role.HQ_HUMAN_RIGHTS, memberships__office__isnull=True, is_active=True
    ).distinct()


def portfolio_report_url(report: PortfolioReport) -> str:
    """Where HQ downloads the portfolio report; empty while no URL serves it."""
    try:
        return reverse("portfolio_report_pdf", args=[report.pk])
    except NoReverseMatch:
        return ""


def _notify_hq(report: PortfolioReport, *, quarter: Quarter, engagement_count: int) -> None:
    url = portfolio_report_url(report)
    link = f"\n\nDownload it: {settings.SITE_URL}{url}" if url else ""
    notify(
        hq_users(), key=f"report:portfolio:{report.pk}", kind="report", title=f"Portfolio report {quarter.label}",
        body=(
            f"The quarterly portfolio report of {quarter.label} ({_quarter_dates(quarter)}) is ready: "
            f"the Box 6 indicators of {engagement_count} engagement(s), office by office.{link}"
        ),
        url=url,
    )


def portfolio_report_create(
    *, quarter: Quarter, engagements: list[Engagement] | None = None, tables: dict[int, IndicatorTable] | None = None,
) -> PortfolioReport:
    """HQ's roll-up of the quarter: per office, the engagements active during it with their five counts,
    office totals and the grand total. Stored once per quarter; HQ is told in the same transaction, so
    HQ hears of each portfolio report once. An existing report is returned as it is."""
    existing = PortfolioReport.objects.filter(quarter_start=quarter.start).first()
    if existing is not None:
        return existing
    if engagements is None:
        engagements = list(engagements_active_during(quarter))
    if tables is None:
        tables = {}
        for batch in _batches(engagements, BATCH_SIZE):
            tables.update(indicator_tables(engagements=batch, quarter=quarter))
    blocks = portfolio_blocks(engagements=engagements, tables=tables)
    content = pdf_render(portfolio_report_html(quarter=quarter, blocks=blocks))
    report = PortfolioReport(quarter_start=quarter.start, created_at=timezone.now())
    try:
        return _store(
            report, f"portfolio-{quarter.label}.pdf", content,
            after_save=lambda r: _notify_hq(r, quarter=quarter, engagement_count=len(engagements)),
        )
    except IntegrityError:
        return PortfolioReport.objects.get(quarter_start=quarter.start)


# --- Stored bytes ---------------------------------------------------------------------------


def report_stored_pdf(*, report: IndicatorReport | PortfolioReport) -> bytes:
    """The stored PDF, checked against its recorded SHA-256."""
    with report.pdf.open("rb") as stream:
        content = stream.read()
    if hashlib.sha256(content).hexdigest() != report.sha256:
        logger.error("The stored PDF of %s does not match its SHA-256.", report)
        raise ReportStoredPdfMismatch(
            "The stored PDF does not match its recorded fingerprint; it is not served. Tell the administrator."
        )
    return content


# --- The quarterly job -----------------------------------------------------------------------


def indicator_report_url(report_id: int, engagement_id: int) -> str:
    return reverse("indicator_report_pdf", args=[engagement_id, report_id])


def report_reminders_record(quarter: Quarter, *, engagement_ids: list[int] | None = None) -> list[int]:
    """One QUARTERLY_REPORT reminder per report of the quarter (once each, however often this runs);
    the ids of those not yet delivered. Only those of `engagement_ids` when given (a chunk's own)."""
    reports = IndicatorReport.objects.filter(quarter_start=quarter.start)
    pending = Reminder.objects.filter(kind=Reminder.Kind.QUARTERLY_REPORT, period=quarter.label, sent_at__isnull=True)
    if engagement_ids is not None:
        reports = reports.filter(engagement_id__in=engagement_ids)
        pending = pending.filter(engagement_id__in=engagement_ids)
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=Reminder.Kind.QUARTERLY_REPORT, subject=f"report:{pk}", period=quarter.label,
                engagement_id=engagement_id,
                detail=(
                    f"The indicator report of {quarter.label} ({_quarter_dates(quarter)}) is ready: the ten "
                    f"indicators of the toolkit's Box 6 beside the quarters before.\n"
                    f"Download it: {settings.SITE_URL}{indicator_report_url(pk, engagement_id)}"
                ),
            )
            for pk, engagement_id in reports.values_list("pk", "engagement_id")
        ],
        ignore_conflicts=True, batch_size=500,
    )
    return list(pending.values_list("pk", flat=True))


def _reports_make(
    *, quarter: Quarter, engagements: list[Engagement], tables: dict[int, IndicatorTable], done: set[int]
) -> tuple[int, list[str]]:
    """The reports of `engagements` not in `done`; a failure is logged and the others go on."""
    created, failed = 0, []
    for engagement in engagements:
        if engagement.pk in done:
            continue
        try:
            indicator_report_create(engagement=engagement, quarter=quarter, table=tables[engagement.pk])
        except Exception:  # noqa: BLE001 - one engagement's failure must not stop the others
            logger.exception(
                "The %s indicator report of %s could not be made; the next run retries it.",
                quarter.label, engagement.reference,
            )
            failed.append(engagement.reference)
        else:
            created += 1
    return created, failed


def reports_for_quarter(*, today: date) -> dict:
    """The reports of the quarter that ended before `today`, all in this process: each engagement's
    indicator report, its reminder to the PM, the COM and HQ, and the portfolio report for HQ.
    (Beat's run spreads the same work over the workers: `reports_fan_out`.)"""
    quarter = quarter_of(today).previous()
    engagements = list(engagements_active_during(quarter))
    done = set(
        IndicatorReport.objects.filter(quarter_start=quarter.start).values_list("engagement_id", flat=True)
    )
    tables: dict[int, IndicatorTable] = {}
    created, failed = 0, []
    for batch in _batches(engagements, BATCH_SIZE):
        batch_tables = indicator_tables(engagements=batch, quarter=quarter)
        tables.update(batch_tables)
        made, broken = _reports_make(quarter=quarter, engagements=batch, tables=batch_tables, done=done)
        created += made
        failed += broken
    pending = report_reminders_record(quarter)
    reminders_enqueue(pending)
    portfolio = "exists" if PortfolioReport.objects.filter(quarter_start=quarter.start).exists() else "created"
    if portfolio == "created":
        try:
            portfolio_report_create(quarter=quarter, engagements=engagements, tables=tables)
        except Exception:  # noqa: BLE001 - the engagements' reports stand; the next run retries it
            logger.exception("The %s portfolio report could not be made; the next run retries it.", quarter.label)
            portfolio = "failed"
    return {
        "quarter": quarter.label, "engagements": len(engagements), "created": created,
        "existing": len(done & {e.pk for e in engagements}), "failed": failed, "to_deliver": len(pending),
        "portfolio": portfolio,
    }


# --- The quarterly job spread over the workers -----------------------------------------------

# Engagements per chunk task. A report takes ~130 ms to render, so a chunk is a few seconds of
# work: small enough that the tasks spread evenly over the workers (5,000 engagements make 200
# tasks) and that a chunk delivered again after a worker died redoes little, large enough that
# the counting queries (one set per chunk) and the task overhead stay small beside the rendering.
CHUNK_SIZE = 25


def _has_report(quarter: Quarter) -> Exists:
    return Exists(IndicatorReport.objects.filter(engagement=OuterRef("pk"), quarter_start=quarter.start))


def reports_to_make(*, quarter: Quarter) -> list[list[int]]:
    """The ids of the engagements active during the quarter that have no report yet, in chunks."""
    ids = list(engagements_active_during(quarter).filter(~_has_report(quarter)).values_list("pk", flat=True))
    return list(_batches(ids, CHUNK_SIZE))


def report_chunk_make(*, quarter: Quarter, engagement_ids: list[int]) -> dict:
    """One chunk of the quarter's reports: those of these engagements not made yet, then their
    reminders, delivered in batches. Running it twice, or two at once, makes each report once (the
    report's unique key: engagement and quarter) and delivers each reminder once (its claim)."""
    engagements = list(engagements_active_during(quarter).filter(pk__in=engagement_ids).filter(~_has_report(quarter)))
    tables = indicator_tables(engagements=engagements, quarter=quarter) if engagements else {}
    created, failed = _reports_make(quarter=quarter, engagements=engagements, tables=tables, done=set())
    pending = report_reminders_record(quarter, engagement_ids=engagement_ids)
    reminders_enqueue(pending)
    return {"quarter": quarter.label, "created": created, "failed": failed, "to_deliver": len(pending)}


def reports_missing(*, quarter: Quarter) -> int:
    """How many engagements active during the quarter have no report yet (one query)."""
    return engagements_active_during(quarter).filter(~_has_report(quarter)).count()


def portfolio_when_done(*, quarter: Quarter, final: bool) -> str:
    """HQ's roll-up once every engagement's report is made: "exists", "created", or "waiting" while
    reports are missing. With `final`, it is made anyway (a report that failed is made by the
    next run; the roll-up's figures come from the counts, not from the reports)."""
    if PortfolioReport.objects.filter(quarter_start=quarter.start).exists():
        return "exists"
    missing = reports_missing(quarter=quarter)
    if missing and not final:
        return "waiting"
    if missing:
        logger.error(
            "The %s portfolio report is made while %d indicator report(s) are missing; the next run makes them.",
            quarter.label, missing,
        )
    portfolio_report_create(quarter=quarter)
    return "created"
