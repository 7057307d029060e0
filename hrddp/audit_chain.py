"""The audit trail's hash chain: each entry carries the hash of the one before it.

Every entry has a gap-free position in the chain (`chain_seq`), the hash of the
entry before it (`prev_hash`) and its own `hash`: SHA-256 over its position,
that previous hash and its content (engagement, actor, time, action, states,
justification, details). Editing an entry's content, deleting an entry or
re-linking one shows up when the chain is walked (`manage.py verify_audit`).

Where the chain is extended:
- on PostgreSQL, by the BEFORE INSERT trigger `hrddp_audit_entry_chain` (migration
  0007, owned by the database owner), under one advisory lock held until the
  writing transaction ends, so the chain follows the order in which writers
  commit; its canonical encoding is the SQL function `hrddp_audit_entry_digest`,
  which the verifier calls too;
- on SQLite, here in Python (`chain_extend`, called by AuditEntry.save() and
  bulk_create); SQLite's IMMEDIATE transactions already let one writer in at a time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connections
from django.utils import timezone

# The prev_hash of the first entry.
GENESIS = "0" * 64
# Rows read at a time when the chain is walked in Python.
CHUNK = 2000

# What a row of the chain is read as, in this order, on both backends.
CONTENT_FIELDS = (
    "engagement_id", "actor_id", "at", "action", "from_state", "to_state", "justification", "details",
)


def _utc_text(at: datetime) -> str:
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_digest(*, chain_seq: int, prev_hash: str, engagement_id, actor_id, at: datetime, action: str,
                 from_state: str, to_state: str, justification: str, details) -> str:
    """The SQLite chain's canonical encoding and hash of one entry (PostgreSQL's is hrddp_audit_entry_digest)."""
    # Through JSON once first, so that the value hashed is the value stored (tuples as lists, keys as strings).
    details = json.loads(json.dumps(details))
    encoded = json.dumps(
        [chain_seq, prev_hash, engagement_id, actor_id, _utc_text(at), action, from_state, to_state,
         justification, details],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def chain_extended_in_python(using: str) -> bool:
    """Whether new entries are linked here (SQLite) rather than by the database's trigger (PostgreSQL)."""
    return connections[using].vendor != "postgresql"


def chain_extend(entries: list, *, using: str) -> None:
    """Give new entries their place, previous hash and hash, after the current head (SQLite).

    The caller holds the write transaction, so no other writer can extend the chain meanwhile."""
    if not entries:
        return
    model = type(entries[0])
    head = model._base_manager.using(using).order_by("-chain_seq").values_list("chain_seq", "hash").first()
    chain_seq, prev_hash = head if head else (0, GENESIS)
    for entry in entries:
        chain_seq += 1
        entry.chain_seq, entry.prev_hash = chain_seq, prev_hash
        entry.hash = entry_digest(
            chain_seq=chain_seq, prev_hash=prev_hash,
            **{name: getattr(entry, name) for name in CONTENT_FIELDS},
        )
        prev_hash = entry.hash


# --- Walking the chain -----------------------------------------------------------


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
    from hrddp.models import AuditEntry

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
