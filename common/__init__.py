"""Cross-cutting helpers that are not domain: PDF rendering and responses, CSV safety.

Every app may use them; they import nothing from the project's apps, only Django
and libraries, so that no arrow points from here back up into the domain.
"""
