from typing import Literal

ApiKeyViewScopesItem = Literal['read', 'write']

API_KEY_VIEW_SCOPES_ITEM_VALUES: set[ApiKeyViewScopesItem] = { 'read', 'write',  }

def check_api_key_view_scopes_item(value: str) -> ApiKeyViewScopesItem:
    if value in API_KEY_VIEW_SCOPES_ITEM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {API_KEY_VIEW_SCOPES_ITEM_VALUES!r}")
