"""Finding recipients by name or path in memory: every import loads them once, whatever the number of rows."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from hrddp.models import Recipient

# "Force › Command › Unit"; ">" is accepted too, as it is easier to type.
_SEPARATOR = re.compile(r"\s*[›>]\s*")


def folded(text) -> str:
    """A name as compared: spacing and case do not matter."""
    return " ".join(str(text).split()).casefold()


def path_parts(text) -> list[str]:
    return [folded(part) for part in _SEPARATOR.split(str(text).strip()) if part.strip()]


def path_of(recipient: Recipient) -> str:
    return " › ".join(r.name for r in recipient.lineage())


class RecipientDirectory:
    """Recipients with their parents linked in memory, found by name or by the end of their path.

    Objects are shared: a recipient created by an import is added here unsaved, so rows further
    down can name it as their parent, and it gets its primary key when the batch is written."""

    def __init__(self, recipients: Iterable[Recipient] = ()):
        self._by_name: dict[str, list[Recipient]] = defaultdict(list)
        self._children: dict[int, list[Recipient]] = defaultdict(list)
        self.by_pk: dict[int, Recipient] = {}
        # Rows name the same few recipients again and again.
        self._found: dict[tuple[str, str | None], list[Recipient]] = {}
        for recipient in recipients:
            self.add(recipient)

    @classmethod
    def load(cls, *, countries: Iterable[str]) -> RecipientDirectory:
        """Every recipient of the countries, in one query (a parent recorded elsewhere costs one more)."""
        recipients = list(Recipient.objects.filter(country__in=list(countries)))
        by_pk = {r.pk: r for r in recipients}
        missing = {r.parent_id for r in recipients if r.parent_id and r.parent_id not in by_pk}
        while missing:
            found = list(Recipient.objects.filter(pk__in=missing))
            by_pk.update((r.pk, r) for r in found)
            missing = {r.parent_id for r in found if r.parent_id and r.parent_id not in by_pk}
        for recipient in by_pk.values():
            if recipient.parent_id:
                recipient.parent = by_pk[recipient.parent_id]
        return cls(recipients)

    def add(self, recipient: Recipient) -> None:
        self._found.clear()
        self._by_name[folded(recipient.name)].append(recipient)
        if recipient.pk:
            self.by_pk[recipient.pk] = recipient
        if recipient.parent is not None:
            self._children[id(recipient.parent)].append(recipient)

    def children_of(self, recipient: Recipient) -> list[Recipient]:
        return self._children.get(id(recipient), [])

    def get(self, *, country: str, parent: Recipient | None, name: str) -> Recipient | None:
        """The recipient of that country, parent and name (the identity an import updates)."""
        country = folded(country)
        for candidate in self._by_name.get(folded(name), ()):
            if candidate.parent is parent and folded(candidate.country) == country:
                return candidate
        return None

    def find(self, text, *, country: str | None = None) -> list[Recipient]:
        """The recipients whose path ends with the given name or path ("Command › Unit")."""
        key = (str(text), country)
        if key not in self._found:
            self._found[key] = self._find(text, country=country)
        return self._found[key]

    def _find(self, text, *, country: str | None) -> list[Recipient]:
        parts = path_parts(text)
        if not parts:
            return []
        wanted = folded(country) if country else None
        found = []
        for candidate in self._by_name.get(parts[-1], ()):
            if wanted is not None and folded(candidate.country) != wanted:
                continue
            lineage = [folded(r.name) for r in candidate.lineage()]
            if lineage[-len(parts):] == parts:
                found.append(candidate)
        return found

    def resolve(self, text, *, country: str | None, where: str) -> Recipient:
        """The one recipient the text names, or ValueError saying why not (`where`: "in Darvonia")."""
        found = self.find(text, country=country)
        if len(found) == 1:
            return found[0]
        shown = " › ".join(part for part in _SEPARATOR.split(str(text).strip()) if part.strip())
        if not found:
            raise ValueError(f"No force, command or unit called “{shown}” {where}.")
        paths = "; ".join(sorted(path_of(r) for r in found)[:3])
        example = paths.split("; ")[0]
        raise ValueError(f"Several recipients are called “{shown}” ({paths}): give the path, e.g. “{example}”.")
