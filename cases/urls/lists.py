"""The list screens' URLs, built from their specifications (cases/item_lists.py).

For each list: ``<key>/`` (the list), ``add/``, and per item ``edit/``, ``remove/``,
``move/`` when its order is the person's, and one URL per ItemAction hook.
"""

from django.urls import path

from cases.item_lists import LISTS, ItemList
from cases.views import item_lists as views


def _patterns(spec: ItemList) -> list:
    on = {"items": spec.key}
    one = f"{spec.key}/<int:item_id>"
    patterns = [
        path(f"{spec.key}/", views.item_list, on, name=spec.url_name("list")),
        path(f"{spec.key}/add/", views.item_add, on, name=spec.url_name("add")),
        path(f"{one}/edit/", views.item_edit, on, name=spec.url_name("edit")),
        path(f"{one}/remove/", views.item_remove, on, name=spec.url_name("remove")),
    ]
    if spec.movable:
        patterns.append(path(f"{one}/move/", views.item_move, on, name=spec.url_name("move")))
    for action in spec.actions:
        patterns.append(
            path(
                f"{one}/{action.name}/",
                views.item_action,
                {**on, "action": action.name},
                name=spec.url_name(action.name),
            )
        )
    return patterns


urlpatterns = [p for spec in LISTS.values() for p in _patterns(spec)]
