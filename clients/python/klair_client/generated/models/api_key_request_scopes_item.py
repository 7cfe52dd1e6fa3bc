from typing import Literal

ApiKeyRequestScopesItem = Literal['read', 'write']

API_KEY_REQUEST_SCOPES_ITEM_VALUES: set[ApiKeyRequestScopesItem] = { 'read', 'write',  }

def check_api_key_request_scopes_item(value: str) -> ApiKeyRequestScopesItem:
    if value in API_KEY_REQUEST_SCOPES_ITEM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {API_KEY_REQUEST_SCOPES_ITEM_VALUES!r}")
