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

This module is the chain's arithmetic and imports no model, so that the audit model can
extend the chain on save; walking it to verify it reads the entries (hrddp/audit_verify.py).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from django.db import connections
from django.utils import timezone

# The prev_hash of the first entry.
GENESIS = "0" * 64

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
