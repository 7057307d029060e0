"""The role groups: one Django group per role, named after it.

What each role may do is hrddp.access's (ROLE_PERMISSIONS); hrddp.signals gives each group
exactly those permissions and puts each member in the groups of their roles.
"""

from hrddp.models import Role

GROUP_NAMES = {role.value: role.label for role in Role}
