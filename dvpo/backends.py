"""Sign-in and permissions: passwords as Django checks them, permissions from the roles only.

Django's ModelBackend grants what the database says: permissions given to a person
directly and whatever a group holds. Here a person's permissions come from ROLE_RULES
alone (dvpo/roles.py), for the roles they may hold (rank, organisation kind), so neither a
directly granted permission, a group edited in the database, nor a role someone was left
with after a change of rank widens what they may do. The platform administrator (a
superuser) passes Django's own superuser check for the admin site; the capabilities of the
app's pages are never granted by superuser status (User.has_perm).
"""

from django.contrib.auth.backends import ModelBackend, UserModel

from dvpo.roles import role_permissions


class RoleBackend(ModelBackend):
    def get_user(self, user_id):
        # The organisation is read with the person: every permission check needs its kind.
        user = UserModel._default_manager.select_related("organisation").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_role_perm_cache"):
            organisation = user_obj.organisation
            user_obj._role_perm_cache = role_permissions(
                user_obj.roles,
                organisation_kind=organisation.kind if organisation else None,
                rank=user_obj.rank,
            )
        return set(user_obj._role_perm_cache)

    def get_all_permissions(self, user_obj, obj=None):
        return self.get_group_permissions(user_obj, obj)

    def with_perm(self, perm, is_active=True, include_superusers=True, obj=None):
        raise NotImplementedError("Permissions come from roles: ask dvpo.roles, not the database.")
