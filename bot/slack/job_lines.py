"""One job's line, in any card or message: its evidence (state, flags, stream) or what was done
to it; and a batch's tally."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.evidence import counts_line, is_running
from bot.domain.outcomes import StatusAnswer, is_already_ended, result_of
from bot.domain.states import JobOutcome, Result
from bot.slack.blocks import STREAM_CHARS, _code, _moment, esc

RUNNING = {"auditing", "submitted"}  # Tencent's states of a job still moderating


def job_state(s: StatusAnswer | dict) -> str:
    """Running (Submitted, Auditing) or ended, with Tencent's own state word."""
    state = str(s.get("state") or "")[:40]
    if not state:
        return "state *?*"
    return f"*{esc(state)}* (running)" if is_running(state) else f"*ended* (State {esc(state)})"


def flags_text(s: StatusAnswer | dict) -> str:
    """What moderation flagged so far: `Porn 3 · Ads 1 · top score 91 · last flag <time>`.
    Counts only: a flagged frame or sound is never shown or linked."""
    if "flags" not in s:
        return ""  # read before evidence existed
    counts = dict(s.get("flags") or {})
    text = f"flagged {_labels(counts)}" if counts else "nothing flagged"
    if s.get("top_score") is not None:
        text += f" · top score {int(s['top_score'])}"
    if s.get("last_flag_ms"):
        text += f" · last flag {_moment(int(s['last_flag_ms']) / 1000)}"
    return text


def _labels(counts: dict, shown: int = 6) -> str:
    """`Porn 3 · Ads 1`, the most frequent `shown` labels (labels are Tencent's words, escaped)."""
    top = dict(sorted(counts.items(), key=lambda item: (-int(item[1]), str(item[0])))[:shown])
    rest = len(counts) - len(top)
    return esc(counts_line(top)) + (f" · {rest} more label(s)" if rest > 0 else "")


def evidence_parts(s: StatusAnswer | dict, stream_chars: int = STREAM_CHARS) -> list[str]:
    """A job's evidence, part by part: state, DataId, stream (plain text), start, flags."""
    parts = [job_state(s), f"DataId {_code(s.get('data_id') or '', 100)}", f"stream {_code(s.get('stream_url') or '', stream_chars)}"]
    if s.get("creation_time"):
        parts.append(f"started {esc(str(s['creation_time'])[:40])}")
    flagged = flags_text(s)
    return [*parts, *([flagged] if flagged else [])]


def read_note(statuses: Sequence[StatusAnswer | dict]) -> str:
    """When the evidence shown was read (the oldest answer's time), for a card's context line."""
    times = [float(s["read_at"]) for s in statuses if s.get("ok", True) and s.get("read_at")]
    if not times:
        return ""
    return f"Evidence read {_moment(min(times))}. Flagged frames and audio are counted here, never shown."


def _where(o: JobOutcome | StatusAnswer) -> str:
    """With several targets: the target a job was found or acted in (name, bucket, region)."""
    return f" in *{esc(o['target'])}*" if o.get("target") else ""


def _seen(o: JobOutcome) -> str:
    """What the query API had shown of the job before it was acted on (stream, flags)."""
    seen = o.get("evidence") or {}
    if not seen:
        return ""
    parts = [f"stream {_code(str(seen.get('stream_url') or ''))}"]
    flagged = flags_text(seen)
    return " · " + " · ".join([*parts, *([flagged] if flagged else [])])


def _confirmation(o: JobOutcome, result: Result) -> str:
    """How a status query settled an outcome: a job cancelled after a lost answer may show ended
    in another state (a cancelled job's state is not documented), and says which."""
    if not o.get("confirmed"):
        return ""
    state = o.get("state") or ""
    if result is Result.CANCELLED and state.lower() not in ("", Result.CANCELLED):
        return f" _(its answer was lost; a status query shows it ended: State {esc(state)})_"
    return " _(confirmed by a status query)_"


def outcome_line(o: JobOutcome) -> str:
    result = result_of(o)
    confirmed = _confirmation(o, result)
    if is_already_ended(o):
        return f"⏹️ `{o['job_id']}`{_where(o)} already ended (State {esc(o.get('state') or '?')}): no cancel sent{_seen(o)}"
    if result is Result.CANCELLED:
        return (
            f"✅ `{o['job_id']}` cancelled{_where(o)} · DataId `{esc(o.get('data_id') or '-')}` · "
            f"created {esc(o.get('creation_time') or '-')} · RequestId `{esc(o.get('request_id') or '-')}`{confirmed}{_seen(o)}"
        )
    if result is Result.UNKNOWN:
        return (
            f"❔ `{o['job_id']}`{_where(o)} *unknown* — check with `status` ({esc(o.get('code') or '')}: "
            f"{esc(o.get('message') or '')}) · RequestId `{esc(o.get('request_id') or '-')}` · "
            "_a status query could not tell_"
        )
    state = esc(o.get("state") or "")
    if state:
        state = f" · job is still running (*{state}*)" if state.lower() in RUNNING else f" · job is *{state}*"
    return (
        f"⚠️ `{o['job_id']}`{_where(o)} *{esc(o.get('code') or 'Error')}*: {esc(o.get('message') or '')}{state} · "
        f"RequestId `{esc(o.get('request_id') or '-')}`{confirmed}{_seen(o)}\n      _{esc(o.get('hint') or '')}_"
    )


def status_line(s: StatusAnswer, stream_chars: int = STREAM_CHARS) -> str:
    """One job's line (a card for many jobs: one summary line each, within Slack's limits)."""
    if not s["ok"]:
        return f"• `{s['job_id']}`{_where(s)} could not be read: *{esc(s.get('code') or '')}* {esc(s.get('message') or '')[:300]}"
    return f"• `{s['job_id']}`{_where(s)} " + " · ".join(evidence_parts(s, stream_chars))


def _tally(outcomes: list[JobOutcome]) -> str:
    ok = sum(1 for o in outcomes if o["ok"])
    unknown = sum(1 for o in outcomes if o.get("result") == Result.UNKNOWN)
    ended = sum(1 for o in outcomes if is_already_ended(o))
    text = f"Cancelled {ok} of {len(outcomes)} job(s)" if ok < len(outcomes) else f"Cancelled {ok} job(s)"
    return text + (f", {ended} already ended" if ended else "") + (f", {unknown} unknown" if unknown else "")


def _dm_line(o: JobOutcome) -> str:
    result = result_of(o)
    if is_already_ended(o):
        return f"⏹️ `{o['job_id']}`{_where(o)} already ended (State {esc(o.get('state') or '?')}): no cancel sent"
    if result is Result.CANCELLED:
        return f"✅ `{o['job_id']}` cancelled{_where(o)} (RequestId `{esc(o.get('request_id') or '-')}`)"
    if result is Result.UNKNOWN:
        return f"❔ `{o['job_id']}` unknown — check with `/cancel-moderation status {o['job_id']}`"
    return f"⚠️ `{o['job_id']}`{_where(o)} not cancelled: {esc(o.get('code') or '')} {esc(o.get('message') or '')}"
