"""Cloud Tasks' HTTP requests (and the notify function's pushes, the sweeper's scheduled
tick): 2xx acks, 503 asks for a retry. Cloud Tasks retries every non-2xx, so permanent
failures, already recorded on the job, answer 200."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from klair.entry import runtime
from klair.entry.runtime import log

if TYPE_CHECKING:
    from klair.bootstrap import Deps
    from klair.domain.events import Message

M = TypeVar("M", bound="Message")
Answer = tuple[int, dict[str, Any]]


def on_task(
    function: str,
    kind: type[M],
    run: Callable[[Deps, M], bool],
    body: bytes,
    headers: Mapping[str, str],
) -> Answer:
    """A task whose body is the function's command."""
    from pydantic import ValidationError

    from klair.domain.errors import InvalidInput
    from klair.entry import wire

    try:
        command = wire.decode_task(body, headers, kind)
    except (ValidationError, InvalidInput) as error:
        log().error("undecodable task acked", function=function, error=str(error))
        return 200, {"accepted": False, "code": "invalid_task"}
    return _answer(lambda: run(runtime.deps(), command))


def decode_notice(body: bytes, headers: Mapping[str, str]) -> Message:
    """A delivery task (its type travels as a header) or a Pub/Sub push of an announcement."""
    from klair.domain.errors import InvalidInput
    from klair.domain.events import NOTICES, DeliverNotification
    from klair.entry import wire

    if any(name.lower() == wire.TYPE_HEADER.lower() for name, _ in headers.items()):
        return wire.decode_task(body, headers, DeliverNotification)
    try:
        envelope = json.loads(body)
    except ValueError:
        raise InvalidInput("a push body is JSON") from None
    if not isinstance(envelope, dict):
        raise InvalidInput("a push body is a JSON object")
    data, attributes = wire.unwrap_push(envelope)
    message = wire.decode_any(data, attributes)
    if message.type_name() not in NOTICES:
        raise InvalidInput(f"{message.type_name()} is not an announcement")
    return message


def on_notice(
    run: Callable[[Deps, Message], bool], body: bytes, headers: Mapping[str, str]
) -> Answer:
    """The `notify` function: pushes of JobFinished / ClipExported schedule signed
    deliveries on the webhook queue; that queue's tasks POST them. A notification never
    fails its job."""
    from pydantic import ValidationError

    from klair.domain.errors import InvalidInput

    try:
        message = decode_notice(body, headers)
    except (ValidationError, InvalidInput) as error:
        log().error("undecodable notification acked", error=str(error))
        return 200, {"accepted": False, "code": "invalid_message"}
    return _answer(lambda: run(runtime.deps(), message))


def _answer(call: Callable[[], bool]) -> Answer:
    from klair.domain.errors import KlairError

    try:
        done = call()
    except KlairError as error:  # only retryable errors escape the delivery rules
        return 503, {"error": error.to_dict()}
    return 200, {"accepted": done}


def on_schedule(run: Callable[[Deps], Any]) -> dict[str, Any]:
    """A Cloud Scheduler tick (the sweeper): the run's report as JSON."""
    result: dict[str, Any] = run(runtime.deps()).model_dump()
    return result
