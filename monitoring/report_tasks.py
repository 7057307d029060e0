"""The tasks of the quarterly job spread over the workers (monitoring.jobs enqueues them; the
worker finds them through monitoring.tasks). They take a quarter's label and ids."""

from celery import shared_task

from hrddp.queue import enqueue_after_commit
from monitoring import reports
from monitoring.quarters import parse_quarter


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=30, max_retries=5)
def quarterly_report_chunk(quarter: str, engagement_ids: list[int]) -> dict:
    # A failure of one engagement is logged inside and the others go on; what reaches here (the
    # database gone, say) retries the chunk, which skips the reports already made.
    parsed = parse_quarter(quarter)
    result = reports.report_chunk_make(quarter=parsed, engagement_ids=engagement_ids)
    # The chunk that finds no report missing (the last to finish; two at once, both) starts the
    # roll-up at once rather than at the waiting task's next poll; it is made once either way.
    if not reports.reports_missing(quarter=parsed):
        enqueue_after_commit(quarterly_portfolio, quarter)
    return result


# The roll-up's own task waits for the chunks by reading the report rows every POLL seconds
# (there is no result backend, so no chord): it is the safety net should no chunk find the
# reports complete (one failed; a chunk task lost). After POLLS tries it is made anyway, since
# an engagement whose report failed has none until the next run.
PORTFOLIO_POLL_SECONDS = 60
PORTFOLIO_POLLS = 120  # two hours


@shared_task(bind=True, acks_late=True, max_retries=PORTFOLIO_POLLS + 5)
def quarterly_portfolio(self, quarter: str) -> str:
    # Run in place (eager), the chunks are done already: what is missing failed.
    final = self.request.is_eager or self.request.retries >= PORTFOLIO_POLLS
    outcome = reports.portfolio_when_done(quarter=parse_quarter(quarter), final=final)
    if outcome == "waiting":
        raise self.retry(countdown=PORTFOLIO_POLL_SECONDS)
    return outcome
