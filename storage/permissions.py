"""A user's permission sets, kept in the shared cache under the content generation.

ModelBackend keeps the sets on the user object for one request
(``_user_perm_cache``, ``_group_perm_cache``, ``_perm_cache``); a cached page
would still spend two queries on them. The triggers of storage.generation
cover auth_user_groups, auth_group_permissions, auth_user_user_permissions
and auth_user's is_superuser/is_active, so a changed group or permission
moves the generation and the next request reads the sets afresh.

A module, not a subclass of ModelBackend in AUTHENTICATION_BACKENDS: the
backend's path is stored in every session, and a new path would sign every
user out on the upgrade.
"""

from django.core.cache import cache


def load_permissions(user, generation):
    """Give ``user`` its permission sets from the cache, or put them there.

    Nothing happens without a generation (nothing may be cached then) or for
    a user ModelBackend gives no permissions to.
    """
    if generation is None or not user.is_authenticated or not user.is_active:
        return
    key = f"permissions:{user.pk}:{generation}"
    if (sets := cache.get(key)) is not None:
        user._user_perm_cache, user._group_perm_cache = sets
        user._perm_cache = {*sets[0], *sets[1]}
        return
    sets = (user.get_user_permissions(), user.get_group_permissions())
    cache.set(key, sets)
