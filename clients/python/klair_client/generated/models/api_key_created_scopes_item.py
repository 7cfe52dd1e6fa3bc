from typing import Literal

ApiKeyCreatedScopesItem = Literal['read', 'write']

API_KEY_CREATED_SCOPES_ITEM_VALUES: set[ApiKeyCreatedScopesItem] = { 'read', 'write',  }

def check_api_key_created_scopes_item(value: str) -> ApiKeyCreatedScopesItem:
    if value in API_KEY_CREATED_SCOPES_ITEM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {API_KEY_CREATED_SCOPES_ITEM_VALUES!r}")
