"""The guard around one LLM call: check the request, call, check and restore the answer.

``Guard`` holds a pipeline, an adapter and the wrapper's options; ``call`` / ``acall`` run one
request. Written once for both drivers: the request and response handling is shared, only the
pipeline calls and the model call differ. Immutable and thread-safe; every call keeps its own state.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from genai_guard._results import Action, Category, Decision, Finding, Outcome, StageResult
from genai_guard.context import Context, Direction, Part
from genai_guard.errors import GuardBlocked, InputError
from genai_guard.integrations._adapters import Adapter, RequestView, Segment
from genai_guard.integrations._history import DecisionCache, chain_keys
from genai_guard.integrations._paths import replaced
from genai_guard.integrations._streams import (
    AsyncGuardedEventStream,
    AsyncRefusalStream,
    GuardedEventStream,
    RefusalStream,
)
from genai_guard.taxonomy import finding
from genai_guard.validate.tool_calls import ToolCall, ToolPolicy

__all__ = ["DEFAULT_REFUSAL", "DEFAULT_UNTRUSTED_ROLES", "Guard", "OnBlock"]

logger = logging.getLogger(__name__)

OnBlock = Literal["raise", "refuse"]

DEFAULT_UNTRUSTED_ROLES = frozenset({"user", "tool", "document"})
DEFAULT_REFUSAL = "Sorry, I can't help with that request."


@dataclass(frozen=True, slots=True)
class Prepared:
    """A checked request ready to send."""

    args: tuple[Any, ...]
    kwargs: Mapping[str, Any]
    prompt: Decision
    stream: bool


@dataclass(frozen=True, slots=True)
class Guard:
    """One pipeline and adapter with the wrapper's options.

    Args:
        pipeline: The pipeline (any object with ``check_input``/``check_output`` and their async
            twins; streaming also needs ``stream_output``/``astream_output``).
        adapter: The request/response format.
        on_block: ``raise`` ``GuardBlocked`` or ``refuse`` (return a refusal shaped like the
            SDK's response); ``None`` takes ``pipeline.settings.on_block`` (default ``raise``).
        context: Base context of every call (user id, canaries, metadata); the system prompt and
            the untrusted parts of each request are filled in per call.
        untrusted_roles: Roles whose content is checked; ``None`` takes
            ``pipeline.settings.untrusted_roles`` (default user, tool, document).
        tools: The tool policy for the tool calls in answers; ``None`` takes
            ``pipeline.settings.tools`` or ``ToolPolicy()`` (any tool; SSRF and unsafe-code
            checks on every call's arguments; a blocked call refuses the answer).
    """

    pipeline: Any
    adapter: Adapter
    on_block: OnBlock = "raise"
    refusal_message: str = DEFAULT_REFUSAL
    context: Context = field(default_factory=Context)
    roles: frozenset[str] = DEFAULT_UNTRUSTED_ROLES
    tools: ToolPolicy = field(default_factory=ToolPolicy)
    history: DecisionCache = field(default_factory=DecisionCache, compare=False, repr=False)

    @classmethod
    def build(
        cls,
        pipeline: Any,
        adapter: Adapter,
        *,
        on_block: OnBlock | None = None,
        context: Context | None = None,
        untrusted_roles: frozenset[str] | None = None,
        tools: ToolPolicy | None = None,
    ) -> Guard:
        """Resolve options against ``pipeline.settings`` (``PolicySettings`` or ``None``)."""
        settings = getattr(pipeline, "settings", None)
        block = on_block or getattr(settings, "on_block", None) or "raise"
        if block not in ("raise", "refuse"):
            raise InputError(f"on_block must be 'raise' or 'refuse', got {block!r}")
        roles = untrusted_roles
        if roles is None:
            configured = getattr(settings, "untrusted_roles", None)
            roles = DEFAULT_UNTRUSTED_ROLES if configured is None else frozenset(configured)
        message = getattr(settings, "refusal_message", None) or DEFAULT_REFUSAL
        policy = tools if tools is not None else getattr(settings, "tools", None)
        return cls(
            pipeline,
            adapter,
            block,
            str(message),
            context if context is not None else Context(),
            frozenset(roles),
            policy if isinstance(policy, ToolPolicy) else ToolPolicy(),
        )

    # -- request ------------------------------------------------------------------------------

    def _context(self, view: RequestView) -> Context:
        ctx = self.context
        changes: dict[str, Any] = {}
        if view.system_prompt is not None:
            changes["system_prompt"] = view.system_prompt
        if view.untrusted:
            parts = tuple(Part(s.text, role=s.role) for s in view.untrusted)
            changes["parts"] = (*ctx.parts, *parts)
        if ctx.direction is not Direction.INPUT:
            changes["direction"] = Direction.INPUT
        return ctx.evolve(**changes) if changes else ctx

    def _merge(self, ctx: Context, decisions: list[Decision], earlier: int = 0) -> Decision:
        """One input decision for several checked texts (the most severe action wins).

        The first ``earlier`` decisions are history (messages before the new turn): every one is
        checked again, and masked again, but its findings are reported only when it flags or
        blocks, so turn 2 does not report turn 1's masked PII a second time.
        """
        if len(decisions) == 1:
            return decisions[0]
        restorations: dict[str, str] = {}
        results: list[StageResult] = []
        action = Action.ALLOW
        for i, d in enumerate(decisions):
            restorations.update(d.restorations)
            if i >= earlier or d.action.severity > Action.MODIFY.severity:
                results.extend(d.results)
            if d.action.severity > action.severity:
                action = d.action
        text = decisions[-1].text if decisions else ""
        frozen = MappingProxyType(restorations)
        return Decision(
            action,
            text,
            tuple(results),
            Direction.INPUT,
            ctx.evolve(restorations=frozen),
            frozen,
            tuple(v for d in decisions for v in d.views),
        )

    def _ctx_for(self, ctx: Context, decisions: list[Decision]) -> Context:
        # Later texts see the placeholders already handed out, so a masker that honours
        # ctx.restorations keeps placeholders unique across the messages of one request.
        if not decisions or not any(d.restorations for d in decisions):
            return ctx
        merged: dict[str, str] = dict(ctx.restorations)
        for d in decisions:
            merged.update(d.restorations)
        return ctx.evolve(restorations=MappingProxyType(merged))

    def _finish_request(
        self,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
        view: RequestView,
        ctx: Context,
        decisions: list[Decision],
    ) -> Prepared:
        decisions = _disambiguate(decisions)
        prompt = (
            self._merge(ctx, decisions, _history_count(view.untrusted))
            if decisions
            else Decision(Action.ALLOW, "", context=ctx)
        )
        if prompt.blocked or not decisions:
            return Prepared(args, kwargs, prompt, view.stream)
        new_args: Any = args
        new_kwargs: Any = kwargs
        for seg, d in zip(view.untrusted, decisions, strict=True):
            if d.text == seg.text:
                continue
            head, rest = seg.path[0], seg.path[1:]
            if isinstance(head, int):
                new_args = list(new_args)
                new_args[head] = replaced(new_args[head], rest, d.text)
            else:
                new_kwargs = dict(new_kwargs)
                new_kwargs[head] = replaced(new_kwargs[head], rest, d.text)
        return Prepared(tuple(new_args), new_kwargs, prompt, view.stream)

    def _history_keys(self, ctx: Context, view: RequestView) -> tuple[list[bytes], int]:
        """Cache keys of the request's untrusted messages, and how many of them are history."""
        keys = chain_keys(ctx, [(seg.role, seg.text) for seg in view.untrusted])
        return keys, _history_count(view.untrusted)

    def _remember(self, key: bytes, decision: Decision) -> None:
        # A message is checked once per conversation: next turn it is history and its decision
        # (masked text, placeholders) is reused. A block is never kept (a limit may lift).
        if not decision.blocked:
            self.history.put(
                key, decision, len(decision.text) + sum(len(v.text) for v in decision.views)
            )

    def prepare(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Prepared:
        """Check the request; return the (possibly rewritten copy of the) request to send."""
        view = self.adapter.read_request(args, kwargs, self.roles)
        ctx = self._context(view)
        keys, earlier = self._history_keys(ctx, view)
        decisions: list[Decision] = []
        for i, seg in enumerate(view.untrusted):
            d = self.history.get(keys[i]) if i < earlier else None
            if d is None:
                d = self.pipeline.check_input(seg.text, self._ctx_for(ctx, decisions))
                self._remember(keys[i], d)
            decisions.append(d)
            if d.blocked:
                break
        return self._finish_request(args, kwargs, view, ctx, decisions)

    async def aprepare(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Prepared:
        """Async twin of ``prepare``."""
        view = self.adapter.read_request(args, kwargs, self.roles)
        ctx = self._context(view)
        keys, earlier = self._history_keys(ctx, view)
        decisions: list[Decision] = []
        for i, seg in enumerate(view.untrusted):
            d = self.history.get(keys[i]) if i < earlier else None
            if d is None:
                d = await self.pipeline.acheck_input(seg.text, self._ctx_for(ctx, decisions))
                self._remember(keys[i], d)
            decisions.append(d)
            if d.blocked:
                break
        return self._finish_request(args, kwargs, view, ctx, decisions)

    # -- blocks ---------------------------------------------------------------------------------

    def blocked(
        self, decision: Decision, kwargs: Mapping[str, Any], *, stream: bool, is_async: bool = False
    ) -> Any:
        """Raise ``GuardBlocked`` or return a refusal (a response, or a stream of events)."""
        logger.info(
            "guard blocked %s call (%s): rules=%s",
            self.adapter.name,
            decision.direction,
            list(decision.rule_ids),
        )
        if self.on_block == "raise":
            raise GuardBlocked(decision)
        if stream:
            events = self.adapter.refusal_events(self.refusal_message, kwargs)
            return AsyncRefusalStream(events) if is_async else RefusalStream(events)
        return self.adapter.refusal(self.refusal_message, kwargs)

    # -- response -----------------------------------------------------------------------------

    def _apply(
        self, response: Any, segments: tuple[Segment, ...], outs: list[Decision], kwargs: Any
    ) -> Any:
        for seg, out in zip(segments, outs, strict=True):
            if out.blocked:
                if self.on_block == "raise":
                    raise GuardBlocked(out)
                response = replaced(response, seg.path, self.refusal_message)
            elif out.text != seg.text:
                response = replaced(response, seg.path, out.text)
        return response

    def finish(self, response: Any, prepared: Prepared) -> Any:
        """Check every answer text and tool call of ``response``; return it checked."""
        segments = self.adapter.response_segments(response)
        outs = [self.pipeline.check_output(s.text, prompt=prepared.prompt) for s in segments]
        response = self._apply(response, segments, outs, prepared.kwargs)
        calls = self._tool_calls(response)
        if not calls:
            return response
        checked = [
            self.pipeline.check_output(c.arguments, prompt=prepared.prompt) for _, c in calls
        ]
        return self._apply_tools(response, calls, checked, prepared)

    async def afinish(self, response: Any, prepared: Prepared) -> Any:
        """Async twin of ``finish``."""
        segments = self.adapter.response_segments(response)
        outs = [await self.pipeline.acheck_output(s.text, prompt=prepared.prompt) for s in segments]
        response = self._apply(response, segments, outs, prepared.kwargs)
        calls = self._tool_calls(response)
        if not calls:
            return response
        checked = [
            await self.pipeline.acheck_output(c.arguments, prompt=prepared.prompt) for _, c in calls
        ]
        return self._apply_tools(response, calls, checked, prepared)

    # -- tool calls -----------------------------------------------------------------------------

    def _tool_calls(self, response: Any) -> tuple[tuple[Any, ToolCall], ...]:
        reader = getattr(self.adapter, "tool_calls", None)
        return tuple(reader(response)) if callable(reader) else ()

    def judge_tool(
        self, call: ToolCall, checked: Decision, prepared: Prepared
    ) -> tuple[Decision | None, str]:
        """Judge one tool call whose arguments the output steps gave ``checked``.

        Returns the blocking decision (or ``None``) and the arguments to send on (placeholders
        restored by the output steps).
        """
        if checked.blocked:
            return checked, call.arguments
        arguments = checked.text
        ctx = checked.context if checked.context is not None else prepared.prompt.context
        findings = self.tools.check(ToolCall(call.name, arguments, call.id), ctx)
        broke = arguments != call.arguments and _is_json(call.arguments) and not _is_json(arguments)
        if not findings and broke:  # a restored value broke the JSON: never send that
            findings = (
                finding(
                    "tool.invalid_arguments",
                    Category.OUTPUT_POLICY,
                    1.0,
                    message=f"arguments of tool {call.name!r} are not JSON after restoring",
                ),
            )
        if findings:
            return self._tool_block(findings, ctx), call.arguments
        return None, arguments

    def _tool_block(self, findings: tuple[Finding, ...], ctx: Context | None) -> Decision:
        result = StageResult("tool_policy", Action.BLOCK, Outcome(findings=findings), 0)
        return Decision(Action.BLOCK, "", (result,), Direction.OUTPUT, ctx)

    def _apply_tools(
        self,
        response: Any,
        calls: tuple[tuple[Any, ToolCall], ...],
        checked: list[Decision],
        prepared: Prepared,
    ) -> Any:
        blocked: list[Any] = []
        first: Decision | None = None
        for (path, call), out in zip(calls, checked, strict=True):
            decision, arguments = self.judge_tool(call, out, prepared)
            if decision is None and arguments != call.arguments:
                response = self.adapter.with_tool_arguments(response, path, arguments)  # type: ignore[attr-defined]
            if decision is not None:
                logger.info(
                    "guard blocked tool call %r (%s): rules=%s",
                    call.name,
                    self.adapter.name,
                    list(decision.rule_ids),
                )
                blocked.append(path)
                first = first or decision
        if first is None:
            return response
        if self.tools.on_violation == "remove":
            return self.adapter.without_tool_calls(response, blocked, self.refusal_message)  # type: ignore[attr-defined]
        if self.on_block == "raise":
            raise GuardBlocked(first)
        return self.adapter.refusal(self.refusal_message, prepared.kwargs)

    # -- whole calls ----------------------------------------------------------------------------

    def call(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Any:
        """Run one sync call of ``fn`` under the guard."""
        prepared = self.prepare(args, kwargs)
        if prepared.prompt.blocked:
            return self.blocked(prepared.prompt, kwargs, stream=prepared.stream)
        result = fn(*prepared.args, **prepared.kwargs)
        if inspect.isawaitable(result):
            # A sync-looking callable that returns a coroutine (decorated async SDK methods):
            # guard the answer when it is awaited.
            return self._await_then_finish(result, prepared)
        if prepared.stream:
            return GuardedEventStream(result, self, prepared)
        return self.finish(result, prepared)

    async def _await_then_finish(self, result: Awaitable[Any], prepared: Prepared) -> Any:
        value = await result
        if prepared.stream:
            return AsyncGuardedEventStream(value, self, prepared)
        return await self.afinish(value, prepared)

    async def acall(
        self, fn: Callable[..., Awaitable[Any]], args: tuple[Any, ...], kwargs: Mapping[str, Any]
    ) -> Any:
        """Run one async call of ``fn`` under the guard."""
        prepared = await self.aprepare(args, kwargs)
        if prepared.prompt.blocked:
            refusal = self.blocked(prepared.prompt, kwargs, stream=prepared.stream, is_async=True)
            return refusal
        return await self._await_then_finish(fn(*prepared.args, **prepared.kwargs), prepared)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


_NUMBERED = re.compile(r"<([A-Za-z][A-Za-z0-9_]*)_(\d+)>")


def _history_count(segments: tuple[Segment, ...]) -> int:
    """How many leading segments are history, before the new turn of the conversation.

    The new turn is the request's last message and the untrusted messages right before it with
    no other message in between (``[..., assistant, tool, tool]``: both tool results), found from
    the message index in each segment's path (``messages[i]``). A plain text, or a request whose
    texts have no message index, has no history.
    """
    if not segments:
        return 0

    def index(seg: Segment) -> int | None:
        path = seg.path
        return path[1] if len(path) > 1 and isinstance(path[1], int) else None

    last = segments[-1]
    at = index(last)
    n = len(segments)
    if at is None:
        return 0
    while n > 0:
        seg = segments[n - 1]
        i = index(seg)
        if seg.path[:1] != last.path[:1] or i is None or i < at - 1:
            break
        at = i
        n -= 1
    return n


def _fresh(placeholder: str, taken: set[str]) -> str:
    m = _NUMBERED.fullmatch(placeholder)
    stem = f"<{m.group(1)}_" if m else (placeholder[:-1] + "_" if placeholder.endswith(">") else "")
    n = int(m.group(2)) + 1 if m else 2
    while True:
        candidate = f"{stem}{n}>" if stem else f"{placeholder}_{n}"
        if candidate not in taken:
            return candidate
        n += 1


def _disambiguate(decisions: list[Decision]) -> list[Decision]:
    """Renumber placeholders that two texts of one request use for different values.

    A masker checking each message on its own (no conversation vault) numbers placeholders per
    message, so ``<EMAIL_ADDRESS_1>`` may stand for two addresses. The later text's placeholder is
    renamed to an unused one, in its rewritten text and its restorations, so the answer is restored
    to the right value.
    """
    if len(decisions) < 2:
        return decisions
    merged: dict[str, str] = {}
    out: list[Decision] = []
    for d in decisions:
        fixed = _renumbered(d, merged)
        merged.update(fixed.restorations)
        out.append(fixed)
    return out


def _renumbered(d: Decision, merged: dict[str, str]) -> Decision:
    clashes = {p for p, v in d.restorations.items() if p in merged and merged[p] != v}
    if not clashes:
        return d
    taken = set(merged) | set(d.restorations)
    renames: dict[str, str] = {}
    for p in sorted(clashes):
        renames[p] = _fresh(p, taken)
        taken.add(renames[p])
    # An alternation of escaped literals, longest first: linear matching, no backtracking blowup.
    pattern = re.compile("|".join(re.escape(p) for p in sorted(renames, key=len, reverse=True)))
    text = pattern.sub(lambda m: renames[m.group(0)], d.text)
    restorations = {renames.get(p, p): v for p, v in d.restorations.items()}
    return dataclasses.replace(d, text=text, restorations=MappingProxyType(restorations))
