from django.core.management.base import BaseCommand, CommandError

from hrddp.audit_verify import chain_verify


def _anchor(value: str) -> tuple[int, str]:
    seq, _, digest = value.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise CommandError(f"--anchor takes CHAIN_SEQ:HASH as a report printed them, e.g. 120:{'ab' * 32}; got {value!r}.")
    return int(seq), digest.lower()


class Command(BaseCommand):
    help = (
        "Walk the audit trail's hash chain: print 'Audit trail intact: N entries, chain head H' (exit 0) "
        "or the first broken link, naming the entry and what is wrong with it (exit 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor", type=_anchor, metavar="CHAIN_SEQ:HASH",
            help="A length and head noted from an earlier run: the chain must still pass through it "
                 "(catches a trail rewritten and re-hashed as a whole since then).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, anchor=None, database="default", **options):
        report = chain_verify(using=database, anchor=anchor)
        if report.intact:
            self.stdout.write(str(report))
            return
        self.stderr.write(str(report))
        raise SystemExit(1)
