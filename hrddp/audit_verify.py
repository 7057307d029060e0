"""Walking the audit trail's hash chain: the first broken link, or its length and head.

The encoding and the extending of the chain are hrddp/audit_chain.py's, which the audit
model uses; this module reads the entries (`manage.py verify_audit`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections

from hrddp.audit_chain import CONTENT_FIELDS, GENESIS, entry_digest
from hrddp.models import AuditEntry

# Rows read at a time when the chain is walked in Python.
CHUNK = 2000

@dataclass(frozen=True)
class BrokenLink:
    entry_id: int
    chain_seq: int
    problem: str

    def __str__(self) -> str:
        return f"Audit trail broken at entry {self.entry_id} (chain_seq {self.chain_seq}): {self.problem}."


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head: str
    broken: BrokenLink | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None

    def __str__(self) -> str:
        if self.broken:
            return str(self.broken)
        return f"Audit trail intact: {self.entries} entries, chain head {self.head}"


def _problem(*, chain_seq, prev_hash, hash, digest, seq_before, hash_before, id_before) -> str | None:
    """What is wrong with one link of the chain, or None; the same words on both backends."""
    expected_seq = (seq_before or 0) + 1
    if chain_seq != expected_seq:
        missing = f"chain_seq {expected_seq}" if chain_seq == expected_seq + 1 else (
            f"chain_seq {expected_seq} to {chain_seq - 1}"
        )
        where = f"after entry {id_before} (chain_seq {seq_before})" if id_before is not None else "at the start"
        return f"link broken: entry missing — {missing} is not in the trail {where}; it was deleted"
    if prev_hash != (hash_before if hash_before is not None else GENESIS):
        if id_before is None:
            return "link broken: the first entry's prev_hash is not the start of the chain"
        return (
            f"link broken: its prev_hash does not match the hash of entry {id_before} (chain_seq {seq_before}) "
            "before it; one of them was rewritten"
        )
    if hash != digest:
        return "content edited: what it says no longer matches its hash"
    return None


_PG_FIRST_BROKEN = """
WITH chain AS (
    SELECT id, chain_seq, prev_hash, hash,
           lag(chain_seq) OVER w AS seq_before,
           lag(hash) OVER w AS hash_before,
           lag(id) OVER w AS id_before,
           hrddp_audit_entry_digest(chain_seq, prev_hash, engagement_id, actor_id, at, action,
                                    from_state, to_state, justification, details) AS digest
    FROM hrddp_auditentry
    WINDOW w AS (ORDER BY chain_seq)
)
SELECT id, chain_seq, prev_hash, hash, digest, seq_before, hash_before, id_before
FROM chain
WHERE chain_seq <> coalesce(seq_before, 0) + 1
   OR prev_hash <> coalesce(hash_before, %s)
   OR hash <> digest
ORDER BY chain_seq
LIMIT 1
"""

_PG_LENGTH_AND_HEAD = """
SELECT (SELECT count(*) FROM hrddp_auditentry),
       (SELECT hash FROM hrddp_auditentry ORDER BY chain_seq DESC LIMIT 1)
"""


def _first_broken_postgresql(connection) -> BrokenLink | None:
    # One pass in the database: memory stays bounded whatever the length of the trail.
    with connection.cursor() as cursor:
        cursor.execute(_PG_FIRST_BROKEN, [GENESIS])
        row = cursor.fetchone()
    if row is None:
        return None
    entry_id, chain_seq, prev_hash, hash, digest, seq_before, hash_before, id_before = row
    return BrokenLink(entry_id, chain_seq, _problem(
        chain_seq=chain_seq, prev_hash=prev_hash, hash=hash, digest=digest,
        seq_before=seq_before, hash_before=hash_before, id_before=id_before,
    ))


def _first_broken_python(model, using: str) -> BrokenLink | None:
    # In chunks along chain_seq, so that memory stays bounded.
    seq_before = hash_before = id_before = None
    columns = ("id", "chain_seq", "prev_hash", "hash", *CONTENT_FIELDS)
    while True:
        rows = list(
            model._base_manager.using(using).filter(chain_seq__gt=seq_before or 0)
            .order_by("chain_seq").values_list(*columns)[:CHUNK]
        )
        for row in rows:
            values = dict(zip(columns, row))
            digest = entry_digest(
                chain_seq=values["chain_seq"], prev_hash=values["prev_hash"],
                **{name: values[name] for name in CONTENT_FIELDS},
            )
            problem = _problem(
                chain_seq=values["chain_seq"], prev_hash=values["prev_hash"], hash=values["hash"], digest=digest,
                seq_before=seq_before, hash_before=hash_before, id_before=id_before,
            )
            if problem:
                return BrokenLink(values["id"], values["chain_seq"], problem)
            seq_before, hash_before, id_before = values["chain_seq"], values["hash"], values["id"]
        if len(rows) < CHUNK:
            return None


def chain_verify(*, using: str = "default", anchor: tuple[int, str] | None = None) -> ChainReport:
    """Walk the whole chain; report the first broken link, or its length and head.

    `anchor` is a (chain_seq, hash) noted from an earlier report: the chain must still pass
    through it, which catches a trail rewritten and re-hashed as a whole since then."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        broken = _first_broken_postgresql(connection)
        with connection.cursor() as cursor:
            cursor.execute(_PG_LENGTH_AND_HEAD)
            entries, head = cursor.fetchone()
    else:
        broken = _first_broken_python(AuditEntry, using)
        entries = AuditEntry._base_manager.using(using).count()
        head = (
            AuditEntry._base_manager.using(using).order_by("-chain_seq").values_list("hash", flat=True).first()
        )
    head = head or GENESIS
    if broken is None and anchor is not None:
        broken = _anchor_problem(AuditEntry, using, anchor)
    return ChainReport(entries=entries, head=head, broken=broken)


def _anchor_problem(model, using: str, anchor: tuple[int, str]) -> BrokenLink | None:
    chain_seq, expected = anchor
    found = model._base_manager.using(using).filter(chain_seq=chain_seq).values_list("id", "hash").first()
    if found is None:
        return BrokenLink(0, chain_seq, f"entry missing — the chain no longer reaches chain_seq {chain_seq}, "
                                        f"the head noted earlier ({expected})")
    entry_id, stored = found
    if stored != expected:
        return BrokenLink(entry_id, chain_seq, f"link broken: its hash is {stored}, not the {expected} noted "
                                               "earlier; the trail was rewritten since")
    return None
