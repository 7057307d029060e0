"""An uploaded file kept on the server between its dry run and its confirm.

The dry run stores the file under a random name and gives the confirm form a signed token (tied to the
user, the kind of import and the file's SHA-256); the confirm reads the file back only with a valid, unexpired
token and the same content. Files whose dry run can no longer be confirmed are purged.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

STAGING_FOLDER = "imports/staged"
TOKEN_SALT = "imports.confirm"
TOKEN_MAX_AGE = 60 * 60  # seconds between the dry run and the confirm


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class Staged:
    """A file kept on the server for its confirm; the token carries this, signed and tied to the user."""

    user_id: int
    kind: str
    storage_name: str
    file_name: str
    sha256: str


def staged_file_save(*, user_id: int, kind: str, file_name: str, content: bytes, file_format: str) -> str:
    """Keep the file under a random name and return the signed token its confirm form carries."""
    staged_files_purge()
    name = default_storage.save(f"{STAGING_FOLDER}/{secrets.token_urlsafe(18)}.{file_format}", ContentFile(content))
    payload = {"u": user_id, "k": kind, "n": name, "f": file_name, "h": sha256_of(content)}
    return signing.dumps(payload, salt=TOKEN_SALT, compress=True)


def staged_file_from_token(token: str, *, max_age: int = TOKEN_MAX_AGE) -> Staged:
    """The staged file a token names. Raises signing.BadSignature (tampered) or signing.SignatureExpired."""
    payload = signing.loads(token, salt=TOKEN_SALT, max_age=max_age)
    return Staged(
        user_id=payload["u"], kind=payload["k"], storage_name=payload["n"], file_name=payload["f"], sha256=payload["h"]
    )


def staged_file_read(staged: Staged) -> bytes | None:
    """The staged file's content, or None once it is gone (imported already, or cleaned up)."""
    if not staged.storage_name.startswith(f"{STAGING_FOLDER}/") or not default_storage.exists(staged.storage_name):
        return None
    with default_storage.open(staged.storage_name, "rb") as handle:
        return handle.read()


def staged_file_delete(staged: Staged) -> None:
    if staged.storage_name.startswith(f"{STAGING_FOLDER}/"):
        default_storage.delete(staged.storage_name)


def staged_files_purge(*, older_than: timedelta = timedelta(seconds=TOKEN_MAX_AGE)) -> int:
    """Delete the staged files whose dry run can no longer be confirmed (never confirmed, token expired)."""
    try:
        names = default_storage.listdir(STAGING_FOLDER)[1]
    except (FileNotFoundError, NotADirectoryError):
        return 0
    cutoff = timezone.now() - older_than
    purged = 0
    for name in names:
        path = f"{STAGING_FOLDER}/{name}"
        try:
            stale = default_storage.get_modified_time(path) < cutoff
        except (OSError, NotImplementedError):
            continue
        if stale:
            default_storage.delete(path)
            purged += 1
    return purged
