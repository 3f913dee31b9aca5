"""The limiter spaces sends from when they actually went, narrowed by what each answer showed."""

from __future__ import annotations

import pytest

from bot.tencent.ratelimit import RoundTrips, Settling, SlidingWindowLimiter


class FakeTime:
    """The limiter's clock and sleep: sleeping moves the clock, plus any lateness we inject."""

    def __init__(self) -> None:
        self.now = 0.0
        self.late = 0.0  # added to every sleep: a thread that wakes up late

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds + self.late


def measured(low: float = 0.25, spread: float = 0.02) -> RoundTrips:
    """Round trips already seen: 250 to 270 ms."""
    trips = RoundTrips()
    for n in range(10):
        trips.observe(low + spread * n / 9)
    return trips


def limiter_for(t: FakeTime, limit: int, **kw) -> SlidingWindowLimiter:
    return SlidingWindowLimiter(limit, window=1.0, clock=t.clock, sleep=t.sleep, **kw)


def test_a_late_send_pushes_the_later_ones_back():
    """Spacing is from when a request actually went, not from when it was planned to."""
    t = FakeTime()
    limiter = limiter_for(t, 2, round_trips=measured())
    sent = []
    for n in range(5):
        t.late = 0.3 if n == 2 else 0.0  # the third send's thread wakes up 0.3 s late, each time
        limiter.acquire()
        sent.append(round(t.now, 6))
        limiter.done(answered=True)  # answered at once: it arrived by now
    assert sent == [0.0, 0.0, 1.2, 1.2, 2.2]  # the fifth is spaced from the third's real send


def test_a_request_in_flight_holds_its_place_and_a_given_up_one_ends_when_given_up():
    t = FakeTime()
    limiter = limiter_for(t, 2, round_trips=measured(), in_flight=5.0)
    limiter.acquire()  # A at 0
    t.now = 0.4
    limiter.done(answered=False)  # A gave up at 0.4: it cannot reach the server after that
    limiter.acquire()  # B at 0.4, never answered
    limiter.acquire()  # C: one window after A's give-up
    assert t.now == pytest.approx(1.4)  # C is never answered either
    limiter.acquire()  # D: B and C may still arrive (until 0.4 + 5 s and later): a window after B's end
    assert t.now == pytest.approx(6.4)


def test_an_answer_narrows_the_bound_to_how_much_slower_its_own_trip_was_than_the_fastest():
    t = FakeTime()
    limiter = limiter_for(t, 1, round_trips=measured(low=0.25, spread=0.02))
    limiter.acquire()
    t.now += 0.30  # this trip took 50 ms longer than the fastest: it may have left that late
    limiter.done(answered=True)
    limiter.acquire()
    jitter = 0.02 * 5 / 9  # median minus fastest of the eleven trips seen
    assert t.now == pytest.approx(1.0 + 0.05 + jitter)
    start = t.now
    t.now += 0.25  # as fast as the fastest: only the typical jitter
    limiter.done(answered=True)
    limiter.acquire()
    assert t.now == pytest.approx(start + 1.0 + jitter, abs=0.003)


def test_the_first_requests_keep_150_ms_until_round_trips_are_measured():
    t = FakeTime()
    limiter = limiter_for(t, 1)
    limiter.acquire()
    t.now += 0.25
    limiter.done(answered=True)  # its trip is the only one: no excess, but nothing was measured
    limiter.acquire()
    assert t.now == pytest.approx(1.15)


def test_excess_is_measured_against_the_fastest_recent_trip_plus_the_typical_jitter():
    trips = RoundTrips(floor=0.005, unmeasured=0.15, min_samples=5)
    assert trips.least_margin() == 0.15
    for seconds in (0.250, 0.252, 0.251, 0.262, 0.255):
        trips.observe(seconds)
    assert trips.least_margin() == 0.0
    assert trips.excess(0.240) == pytest.approx(0.005)  # faster than any; jitter (2 ms) under the floor
    assert trips.excess(0.260) == pytest.approx(0.010 + 0.005)  # 10 ms slower than the fastest
    for seconds in (0.270, 0.280, 0.290):
        trips.observe(seconds)
    assert trips.excess(0.260) == pytest.approx(0.010 + 0.012)  # median now 262 ms: 12 ms typical jitter


class _Recorded(Settling):
    """Settling as a shared limiter uses it: the send goes some time after it was recorded."""

    def __init__(self, clock) -> None:
        super().__init__(None, clock)
        self.bounds: list[float] = []

    def _settle(self, token, seconds_after_send: float) -> None:
        self.bounds.append(seconds_after_send)


def test_a_send_made_well_after_its_record_keeps_its_bound_past_that_wait():
    """A shared check records the send, then commits: the commit is on the way out. Were trips
    timed from the record, the fastest trip would include it, and a quick answer would narrow
    the bound to before the request can have arrived."""
    now = [100.0]
    limiter = _Recorded(lambda: now[0])
    for _ in range(6):
        recorded = now[0]
        now[0] += 0.020  # the check's commit and the thread's wake-up
        limiter._remember(object(), recorded, margin=0.0)
        now[0] += 0.002  # answered 2 ms after it went
        limiter.done(answered=True)
    assert all(bound >= 0.020 for bound in limiter.bounds), limiter.bounds
    assert all(bound <= 0.022 for bound in limiter.bounds)  # never past the answer
