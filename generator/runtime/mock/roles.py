"""How a mock serves each role of operation: submit, get, list, action and catalog.

A mixin of :class:`~generator.runtime.mock.core.VendorMock`: each handler takes one validated
:class:`Call` and returns the answer's payload (the envelope goes around it later). Handlers
run on several threads at once: images are read outside the mock's lock, and only the state
change (checking caller ids, charging the account, storing the task) holds it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..paths import get_path
from ..validation import data_problem, slot_problems
from ..vendor import Operation, TaskSpec
from .effects import EFFECTS
from .messages import Call, MockError
from .store import Account, MockTask, unique_key
from .templates import Context, render

if TYPE_CHECKING:
    from .core import VendorMock

    _Base = VendorMock
else:
    _Base = object


MAX_RESULT_FILES = 256


class Roles(_Base):
    def _submit(self, call: Call) -> dict[str, Any]:
        """Start a task; it runs on the clock and is seen by get, list and callbacks."""
        self._refuse_reused_ids(call)  # before any image is fetched; again under the lock
        task = self._prepare(call, self.queue_seconds, self.task_seconds)
        with self._lock:
            self._refuse_reused_ids(call)
            self._commit(task, call.account)
            self.callbacks.watch(task)
        return render(
            call.op.mock.response,
            self._context(task=task, request=call.values, account=call.account),
        )

    def _action(self, call: Call) -> dict[str, Any]:
        """A synchronous job (Tencent's): it takes ``task_seconds`` and its result is in the
        answer. While it runs it holds one of the account's job slots; the transports hold the
        answer back for as long as the job takes, on the mock's clock. A mock that does not
        hold answers back (served on a virtual clock) finishes the job in no time."""
        limit = self.vendor.mock.concurrency
        task = self._prepare(call, 0.0, self.task_seconds if self.hold_answers else 0.0)
        with self._lock:
            now = self.clock.time()
            busy = self.store.active(call.account.key, now) if limit is not None else []
            if limit is not None and len(busy) >= limit:
                raise MockError(
                    "concurrency_limited", f"{len(busy)} job(s) running, {limit} allowed"
                )
            task.created_at = now
            self._commit(task, call.account)
        if task.outcome == "failed":
            raise MockError("server_error", task.error)
        self._task_files(task)  # a broken input must fail this request, not a later download
        finished = self._context(
            now=task.finishes_at, task=task, request=call.values, account=call.account
        )
        answer = render(call.op.mock.response, finished)
        call.delay = task.run_seconds
        return answer

    def _refuse_reused_ids(self, call: Call) -> None:
        """A unique input (``x-sdk-limits.unique``) already used by one of the account's tasks,
        in that input or as a task's caller-named id, is refused: both are index lookups."""
        key = call.account.key
        for name in call.op.limits.unique:
            value = get_path(call.values, name)
            if value in (None, ""):
                continue
            if self.store.external_id_taken(str(value), key) or self.store.key_taken(
                key, name, unique_key(value)
            ):
                raise MockError("conflict", f"{name} {value!r} is already used")

    def _prepare(self, call: Call, queue_seconds: float, run_seconds: float) -> MockTask:
        """A new task with the call's images and arguments, not yet stored nor charged (no
        lock held: images are fetched and checked here)."""
        op, values, account = call.op, call.values, call.account
        slots = self._slot_images(call)
        image = self._input_image(call)
        task = MockTask(
            id="",
            account=account.key,
            operation=op.name,
            created_at=self.clock.time(),
            queue_seconds=queue_seconds,
            run_seconds=run_seconds,
            outcome="succeeded",
            effect=op.mock.effect,
            args={arg: get_path(values, wire) for arg, wire in op.mock.params.items()},
            external_id=str(_given(values, op.caller_id) or ""),
            price=self.vendor.mock.price,
            inputs=_compact(values, call),
            base_url=call.request.base_url,
            image=image,
            slots=slots,
            files_ttl=op.mock.files_ttl,
            callback_url=str(_given(values, op.mock.callback_url) or ""),
            poll_op=self._poll_op(op),
            keys={  # the caller-named id has an index of its own
                name: unique_key(value)
                for name in self._unique_inputs
                if name != op.caller_id and (value := get_path(values, name)) not in (None, "")
            },
        )
        self._refuse_oversized(task)
        return task

    def _commit(self, task: MockTask, account: Account) -> MockTask:
        """Charge the account and store ``task`` under a fresh id (the lock held)."""
        self._charge(account)
        task.id = self._new_id()
        task.outcome, task.error = self._forced.pop(0) if self._forced else ("succeeded", "")
        return self.store.add(task)

    def _refuse_oversized(self, task: MockTask) -> None:
        """A mock's own limit: it makes real files, so a task asking for more than
        ``MAX_RESULT_FILES`` (a billion images, say) is refused rather than attempted."""
        effect = EFFECTS.get(task.effect)
        count = len(effect.names(task)) if effect is not None else 0
        if count > MAX_RESULT_FILES:
            raise MockError(
                "invalid_request",
                f"this mock makes at most {MAX_RESULT_FILES} result files a task, not {count}",
            )

    def _charge(self, account: Account) -> None:
        price = self.vendor.mock.price
        if account.remaining == 0:
            raise MockError("quota_exceeded", account.key)
        if account.money is not None and account.money < price:
            raise MockError("account_in_arrears", account.key)
        account.used += 1
        if account.money is not None:
            account.money = round(account.money - price, 2)
        self.store.save_account(account)

    def _poll_op(self, op: Operation) -> str:
        try:
            return self.vendor.poll_for(op.name)[0].name
        except KeyError:
            return ""

    def _get(self, call: Call) -> dict[str, Any]:
        """A task of this get operation's family, found by its id or the caller's own id."""
        task_id = str(call.values.get(call.op.task_id, ""))
        task = self.store.get(task_id, call.account.key)
        if task is None or (task.poll_op and task.poll_op != call.op.name):
            raise MockError("not_found", task_id)
        return render(
            call.op.mock.response,
            self._context(task=task, request=call.values, account=call.account),
        )

    def _list(self, call: Call) -> dict[str, Any]:
        values = call.values
        page = _page(call.op, values, self.store.of_account(call.account.key))
        return render(
            call.op.mock.response, self._context(request=values, page=page, account=call.account)
        )

    def _catalog(self, call: Call) -> dict[str, Any]:
        """One page of the operation's static rows, those matching every filter given."""
        mock, values = call.op.mock, call.values
        rows = [
            row
            for row in mock.rows
            if all(
                values.get(wire) in (None, "") or row.get(field) == values.get(wire)
                for wire, field in mock.filters.items()
            )
        ]
        page = _page(call.op, values, rows)
        return render(mock.response, self._context(request=values, page=page, account=call.account))

    def task_spec(self, task: MockTask | None) -> TaskSpec | None:
        """The task family a task belongs to: that of the get operation that follows it."""
        get = self.vendor.ops.get(task.poll_op) if task is not None and task.poll_op else None
        return self.vendor.task_spec(get)

    def _context(self, now: float | None = None, **kwargs: Any) -> Context:
        """Template context at ``now`` (the clock's time by default)."""
        return Context(
            now=self.clock.time() if now is None else now,
            task_spec=self.task_spec(kwargs.get("task")),
            file_urls=self.file_urls,
            file_bytes=self._task_files,
            **kwargs,
        )

    # -- images ------------------------------------------------------------------------------
    def _input_image(self, call: Call) -> bytes | None:
        """The input image, from the first image input given (decoded or downloaded)."""
        return self._image_from(call, call.op.mock.image)

    def _slot_images(self, call: Call) -> dict[str, bytes]:
        """Every image slot's image (``x-sdk-limits.slots``), checked against the slots' rules
        now that URLs have been downloaded too."""
        images = {}
        for name, slot in call.op.limits.slots.items():
            image = self._image_from(call, slot.inputs)
            if image is not None:
                images[name] = image
        problems = slot_problems(call.op, images)
        if problems:
            raise MockError(*problems[0])
        return images

    def _image_from(self, call: Call, inputs: Iterable[str]) -> bytes | None:
        """The image in the first of ``inputs`` given: decoded already, or downloaded and
        checked against that input's limits."""
        for name in inputs:
            if name in call.images:
                return call.images[name]
            url = get_path(call.values, name)
            if isinstance(url, str) and url:
                data = self.fetch(url, call.request)
                limit = call.op.limits.images.get(name)
                problem = data_problem(data, limit) if limit is not None else None
                if problem is not None:
                    raise MockError(problem[0], f"{name}: {problem[1]}")
                return data
        return None


def _page(op: Operation, values: dict[str, Any], items: list[Any]) -> dict[str, Any]:
    """The page the request asks for (its ``pagination`` inputs) of ``items``."""
    pagination = op.pagination
    page_input = pagination.page if pagination else ""
    size_input = pagination.size if pagination else ""
    number = int(values.get(page_input) or 1)
    size = int(values.get(size_input) or (pagination.default_size if pagination else 20))
    return {
        "number": number,
        "size": size,
        "total": len(items),
        "pages": max(1, -(-len(items) // size)),
        "items": items[(number - 1) * size : number * size],
    }


def _compact(values: dict[str, Any], call: Call) -> dict[str, Any]:
    """The inputs a task keeps: all but the images (kept once, as bytes, in the task) and
    file uploads."""
    images = {name.split(".")[0] for name in call.images}
    return {
        k: v
        for k, v in values.items()
        if k not in images and not isinstance(v, bytes | bytearray) and v is not None
    }


def _given(values: dict[str, Any], path: str) -> Any:
    """The input at dotted ``path``; None when the operation names no such input."""
    return get_path(values, path) if path else None
