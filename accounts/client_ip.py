"""The client's address, as the lockouts, the audit and the list of sessions read it.

Behind the office's reverse proxy every request comes from the proxy's address. Each proxy of ours appends
the address it was reached from to X-Forwarded-For, so with TRUSTED_PROXY_COUNT proxies the client is that
many entries from the right; whatever stands further left was written by the client and proves nothing.
Without a trusted proxy the header is ignored: anyone can send one.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        entries = [entry for entry in forwarded.split(",") if entry.strip()]
        # Fewer entries than proxies: the request did not come the way the proxies send it; keep the peer.
        if len(entries) >= count:
            found = _address(entries[-count])
            if found:
                return found
    return _address(remote) or "0.0.0.0"
