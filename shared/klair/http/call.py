"""One routed request as a handler sees it (`Call`) and what a handler may answer (`Reply`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from werkzeug.datastructures import Headers, MultiDict
from werkzeug.wrappers import Request

from klair.domain.errors import InvalidInput, InvalidJson, Unauthorized
from klair.domain.ids import UserId
from klair.http.errors import PayloadTooLarge

M = TypeVar("M", bound=BaseModel)

DEFAULT_MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Reply:
    """A response with an explicit status and headers; `body` None means no content."""

    status: int = 200
    body: BaseModel | Mapping[str, Any] | list[Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


def validation_details(error: ValidationError) -> list[dict[str, Any]]:
    """Pydantic's errors without the offending input values (they may hold secrets or PII)."""
    return [
        {"loc": list(item["loc"]), "msg": item["msg"], "type": item["type"]}
        for item in error.errors(include_url=False, include_input=False, include_context=False)
    ]


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


class Call:
    """The request, its path parameters, the authenticated principal and the trace id.

    Parsed bodies are cached per model, so the router can validate a route's declared body
    before the handler runs and the handler reads the same instance.
    """

    def __init__(
        self,
        request: Request,
        params: Mapping[str, str] | None = None,
        principal: UserId | None = None,
        trace_id: str | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self.request = request
        self.params: Mapping[str, str] = dict(params or {})
        self.trace_id = trace_id
        self._principal = principal
        self._max_body_bytes = max_body_bytes
        self._bodies: dict[type[BaseModel], BaseModel] = {}
        self._queries: dict[type[BaseModel], BaseModel] = {}

    @property
    def principal(self) -> UserId:
        """The authenticated user; only routes registered with `auth=True` have one."""
        if self._principal is None:
            raise Unauthorized("a session token is required", code="missing_token")
        return self._principal

    @property
    def optional_principal(self) -> UserId | None:
        return self._principal

    @property
    def headers(self) -> Headers:
        return self.request.headers

    @property
    def args(self) -> MultiDict[str, str]:
        """Raw query parameters; `query(Model)` validates them."""
        return self.request.args

    def raw_body(self) -> bytes:
        """The body bytes, at most `max_body_bytes` (what signature checks need)."""
        length = self.request.content_length
        if length is not None and length > self._max_body_bytes:
            raise PayloadTooLarge("request body too large", max_bytes=self._max_body_bytes)
        data = self.request.get_data(cache=True)
        if len(data) > self._max_body_bytes:
            raise PayloadTooLarge("request body too large", max_bytes=self._max_body_bytes)
        return data

    def json(self, model: type[M]) -> M:
        """The JSON body validated as `model`; an empty body is validated as `{}`.

        Raises `InvalidJson` for a non-JSON content type or unparsable JSON (requiring the
        JSON content type also keeps cookie-carrying cross-site form posts out) and
        `InvalidInput` with pydantic's errors when the document does not fit the schema.
        """
        cached = self._bodies.get(model)
        if isinstance(cached, model):
            return cached
        raw = self.raw_body()
        if raw.strip() and not _is_json(self.request.mimetype):
            raise InvalidJson("Content-Type must be application/json")
        try:
            value = model.model_validate_json(raw if raw.strip() else b"{}")
        except ValidationError as e:
            if any(item["type"] == "json_invalid" for item in e.errors()):
                raise InvalidJson("request body is not valid JSON") from None
            raise InvalidInput(
                "request body does not match the schema", errors=validation_details(e)
            ) from None
        self._bodies[model] = value
        return value

    def query(self, model: type[M]) -> M:
        """Query parameters validated as `model` (a repeated parameter becomes a list)."""
        cached = self._queries.get(model)
        if isinstance(cached, model):
            return cached
        data = {
            key: values if len(values) > 1 else values[0]
            for key, values in self.request.args.lists()
        }
        try:
            value = model.model_validate(data)
        except ValidationError as e:
            raise InvalidInput(
                "query parameters do not match the schema", errors=validation_details(e)
            ) from None
        self._queries[model] = value
        return value
