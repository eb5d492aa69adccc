"""How a mock serves each role of operation: submit, get, list, action and catalog.

A collaborator of :class:`~generator.runtime.mock.core.VendorMock`, given the mock (its store,
clock, vendor, callbacks and files): each handler takes one validated :class:`Call` and
returns the answer's payload (the envelope goes around it later). Handlers run on several
threads at once: images are read outside the mock's lock, and only the state
change (checking caller ids, charging the account, storing the task) holds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from ..answers import ResultBytes
from ..paths import MISSING, get_path
from ..validation import data_problem, slot_problems
from ..vendor import Operation, TaskSpec
from .effects import EFFECTS, RESULT_PIXELS_FACTOR
from .messages import Call, MockError
from .store import Account, MockTask, unique_key
from .templates import Context, render

if TYPE_CHECKING:
    from .core import VendorMock


MAX_RESULT_FILES = 256
_BYTES = (bytes, bytearray)  # a tuple made once: ``bytes | bytearray`` builds a union per test
# The method of ``Roles`` that serves each role (looked up per call: a test may replace one).
HANDLERS = {
    "submit": "_submit",
    "get": "_get",
    "list": "_list",
    "action": "_action",
    "catalog": "_catalog",
}


class _TaskPlan(NamedTuple):
    """What a new task takes from a submit's inputs, by wire path: the effect's arguments
    (argument, path), the caller-named id, the callback URL, the inputs indexed as unique
    (the caller-named id has an index of its own), the get operation that follows, and
    whether every path is a plain name (read with ``dict.get``, not ``get_path``)."""

    args: tuple[tuple[str, str], ...]
    caller_id: str
    callback_url: str
    keys: tuple[str, ...]
    poll_op: str
    plain: bool


class Roles:
    """The handlers of each role, working on the state of the ``mock`` they serve."""

    def __init__(self, mock: VendorMock) -> None:
        self.mock = mock
        self._specs: dict[str, Any] = {}  # get operation -> its task family (task_spec)
        # id of a submit operation -> (it, what _prepare reads of it): by identity, as the
        # checks are kept (``validation.checker``), so an operation changed by a test is not
        # read with the plan of the one it replaced; holding it keeps its id unique
        self._plans: dict[int, tuple[Operation, _TaskPlan]] = {}
        # what every template context holds, bound once: each answer makes a context
        self._file_urls = mock.file_urls
        self._file_bytes = mock._task_files

    def handler(self, role: str) -> Callable[[Call], Any] | None:
        """The handler of operations of ``role``, or None for a role no mock serves."""
        name = HANDLERS.get(role)
        return getattr(self, name) if name is not None else None

    def _submit(self, call: Call) -> Any:
        """Start a task; it runs on the clock and is seen by get, list and callbacks."""
        self._refuse_reused_ids(call)  # before any image is fetched; again under the lock
        task = self._prepare(call, self.mock.queue_seconds, self.mock.task_seconds)
        with self.mock._lock:
            self._refuse_reused_ids(call)
            self._commit(task, call.account)
            self.mock.callbacks.watch(task)
        return render(
            call.op.mock.response,
            self._context(task=task, request=call.values, account=call.account),
        )

    def _action(self, call: Call) -> Any:
        """A synchronous job (Tencent's): it takes ``task_seconds`` and its result is in the
        answer. While it runs it holds one of the account's job slots; the transports hold the
        answer back for as long as the job takes, on the mock's clock. A mock that does not
        hold answers back (served on a virtual clock) finishes the job in no time."""
        limit = self.mock.vendor.mock.concurrency
        task = self._prepare(call, 0.0, self.mock.task_seconds if self.mock.hold_answers else 0.0)
        with self.mock._lock:
            now = self.mock.clock.time()
            busy = self.mock.store.active(call.account.key, now) if limit is not None else []
            if limit is not None and len(busy) >= limit:
                raise MockError(
                    "concurrency_limited", f"{len(busy)} job(s) running, {limit} allowed"
                )
            task.created_at = now
            self._commit(task, call.account)
        if task.outcome == "failed":
            raise MockError("server_error", task.error)
        self.mock._task_files(task)  # a broken input must fail this request, not a later download
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
            if self.mock.store.external_id_taken(str(value), key) or self.mock.store.key_taken(
                key, name, unique_key(value)
            ):
                raise MockError("conflict", f"{name} {value!r} is already used")

    def _prepare(self, call: Call, queue_seconds: float, run_seconds: float) -> MockTask:
        """A new task with the call's images and arguments, not yet stored nor charged (no
        lock held: images are fetched and checked here)."""
        op, values, account = call.op, call.values, call.account
        slots = self._slot_images(call)
        image = self._input_image(call)
        known = self._plans.get(id(op))
        plan = known[1] if known is not None and known[0] is op else self._plan(op)
        read: Callable[[str], Any] = values.get if plan.plain else partial(get_path, values)
        task = MockTask(
            id="",
            account=account.key,
            operation=op.name,
            created_at=self.mock.clock.time(),
            queue_seconds=queue_seconds,
            run_seconds=run_seconds,
            outcome="succeeded",
            effect=op.mock.effect,
            args={arg: read(wire) for arg, wire in plan.args},
            external_id=str(read(plan.caller_id) or "") if plan.caller_id else "",
            price=self.mock.vendor.mock.price,
            inputs=_compact(values, call),
            base_url=call.request.base_url,
            image=image,
            slots=slots,
            files_ttl=op.mock.files_ttl,
            callback_url=str(read(plan.callback_url) or "") if plan.callback_url else "",
            poll_op=plan.poll_op,
            keys={
                name: unique_key(value)
                for name in plan.keys
                if (value := read(name)) not in (None, "")
            },
        )
        self._refuse_oversized(task)
        return task

    def _commit(self, task: MockTask, account: Account) -> MockTask:
        """Charge the account and store ``task`` under a fresh id (the lock held)."""
        self._charge(account)
        task.id = self.mock._new_id()
        task.outcome, task.error = (
            self.mock._forced.pop(0) if self.mock._forced else ("succeeded", "")
        )
        return self.mock.store.add(task)

    def _refuse_oversized(self, task: MockTask) -> None:
        """A mock's own limits: it makes real files, so a task asking for more than
        ``MAX_RESULT_FILES`` (a billion images, say), or for a result of more than
        ``RESULT_PIXELS_FACTOR`` times its ``max_pixels``, is refused rather than attempted."""
        effect = EFFECTS.get(task.effect)
        count = len(effect.names(task)) if effect is not None else 0
        if count > MAX_RESULT_FILES:
            raise MockError(
                "invalid_request",
                f"this mock makes at most {MAX_RESULT_FILES} result files a task, not {count}",
            )
        pixels = effect.pixels(task) if effect is not None else 0
        if self.mock.max_pixels and pixels > self.mock.max_pixels * RESULT_PIXELS_FACTOR:
            limit = self.mock.max_pixels * RESULT_PIXELS_FACTOR
            raise MockError(
                "invalid_request",
                f"this mock makes results of at most {limit:,} pixels, not {pixels:,}",
            )

    def _charge(self, account: Account) -> None:
        price = self.mock.vendor.mock.price
        if account.remaining == 0:
            raise MockError("quota_exceeded", "no submits left on this account")
        if account.money is not None and account.money < price:
            raise MockError("account_in_arrears", "not enough money left on this account")
        account.used += 1
        if account.money is not None:
            account.money = round(account.money - price, 2)
        self.mock.store.save_account(account)

    def _plan(self, op: Operation) -> _TaskPlan:
        """What ``_prepare`` reads of ``op``, worked out once per operation."""
        keys = tuple(n for n in self.mock._unique_inputs if n != op.caller_id)
        args = tuple(op.mock.params.items())
        paths = [op.caller_id, op.mock.callback_url, *keys, *(wire for _, wire in args)]
        plan = _TaskPlan(
            args=args,
            caller_id=op.caller_id,
            callback_url=op.mock.callback_url,
            keys=keys,
            poll_op=self._poll_op(op),
            plain=not any("." in path for path in paths),
        )
        self._plans[id(op)] = (op, plan)
        return plan

    def _poll_op(self, op: Operation) -> str:
        """The get operation that follows ``op``'s tasks ("" for none; ``_plan`` keeps it)."""
        try:
            return self.mock.vendor.poll_for(op.name)[0].name
        except KeyError:
            return ""

    def _get(self, call: Call) -> Any:
        """A task of this get operation's family, found by its id or the caller's own id."""
        op, mock = call.op, call.op.mock  # each read of the vendor model's is slow
        task_id = str(call.values.get(op.task_id, ""))
        task = self.mock.store.get(task_id, call.account.key)
        if task is None or (task.poll_op and task.poll_op != op.name):
            raise MockError("not_found", task_id)
        now = self.mock.clock.time()  # one time for the HTTP status and the body
        state = task.status(now)
        call.status = mock.http_status.get(state, 200)
        if mock.body_file and state == "succeeded":
            return self._body_file(task, mock.body_file)
        context = self._context(now, task=task, request=call.values, account=call.account)
        return render(mock.response, context)

    def _body_file(self, task: MockTask, name: str) -> ResultBytes:
        """A succeeded task's result file ``name`` (without extension) as the answer's body."""
        files = self.mock._task_files(task)
        found = next((f for n, f in files.items() if n.rsplit(".", 1)[0] == name), None)
        if found is None:
            raise MockError("server_error", f"task {task.id} made no result file {name!r}")
        return ResultBytes(found[0], found[1])

    def _list(self, call: Call) -> Any:
        values = call.values
        page = _page(call.op, values, self.mock.store.of_account(call.account.key))
        return render(
            call.op.mock.response, self._context(request=values, page=page, account=call.account)
        )

    def _catalog(self, call: Call) -> Any:
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
        poll_op = task.poll_op if task is not None else ""
        known = self._specs.get(poll_op, MISSING)
        if known is MISSING:  # worked out once per get operation: every answer asks
            get = self.mock.vendor.ops.get(poll_op) if poll_op else None
            known = self._specs[poll_op] = self.mock.vendor.task_spec(get)
        spec: TaskSpec | None = known
        return spec

    def _context(
        self,
        now: float | None = None,
        *,
        task: MockTask | None = None,
        request: dict[str, Any] | None = None,
        account: Account | None = None,
        page: dict[str, Any] | None = None,
    ) -> Context:
        """Template context at ``now`` (the clock's time by default)."""
        spec = self._specs.get(task.poll_op if task is not None else "", MISSING)
        return Context(
            self.mock.clock.time() if now is None else now,
            self.task_spec(task) if spec is MISSING else spec,
            self._file_urls,
            self._file_bytes,
            task,
            account,
            {} if request is None else request,
            {} if page is None else page,
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
                limit = call.op.limits.images.get(name)
                data = self.mock.fetch(url, call.request, limit.max_bytes if limit else None)
                problem = data_problem(data, limit) if limit is not None else None
                if problem is not None:
                    raise MockError(problem[0], f"{name}: {problem[1]}")
                self.mock.refuse_huge(name, data)
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
        if k not in images and not isinstance(v, _BYTES) and v is not None
    }
