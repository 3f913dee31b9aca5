"""The limiter counts actual sends and keeps a margin measured from round trips."""

from __future__ import annotations

from bot.tencent.ratelimit import RoundTrips, SlidingWindowLimiter


class FakeTime:
    """The limiter's clock and sleep: sleeping moves the clock, plus any lateness we inject."""

    def __init__(self) -> None:
        self.now = 0.0
        self.late = 0.0  # added to every sleep: a thread that wakes up late

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds + self.late


def measured(spread: float) -> RoundTrips:
    trips = RoundTrips()
    for n in range(10):
        trips.observe(0.25 + spread * n / 9)
    return trips


def test_every_limit_plus_one_send_is_a_window_plus_the_measured_margin_later():
    t = FakeTime()
    limiter = SlidingWindowLimiter(3, window=1.0, round_trips=measured(0.02), clock=t.clock, sleep=t.sleep)
    sent = []
    for _ in range(7):
        limiter.acquire()
        sent.append(round(t.now, 6))
    assert sent == [0.0, 0.0, 0.0, 1.025, 1.025, 1.025, 2.05]  # margin: spread 20 ms + 5 ms floor


def test_a_late_send_pushes_the_later_ones_back():
    """Spacing is from when a request actually went, not from when it was planned to."""
    t = FakeTime()
    limiter = SlidingWindowLimiter(2, window=1.0, round_trips=measured(0.0), clock=t.clock, sleep=t.sleep)
    sent = []
    for n in range(6):
        t.late = 0.3 if n == 2 else 0.0  # the third send's thread wakes up 0.3 s late, each time
        limiter.acquire()
        sent.append(round(t.now, 6))
    assert sent[:5] == [0.0, 0.0, 1.2, 1.2, 2.205]  # the fifth is spaced from the third's real send
    assert all(b - a >= 1.0 for a, b in zip(sent, sent[2:], strict=False))


def test_margin_is_the_spread_of_round_trips_bounded_and_conservative_before_measuring():
    trips = RoundTrips(floor=0.005, cap=0.5, unmeasured=0.15, min_samples=5)
    assert trips.margin() == 0.15
    for seconds in (0.250, 0.252, 0.251, 0.262, 0.255):
        trips.observe(seconds)
    assert abs(trips.margin() - 0.017) < 1e-9  # spread 12 ms + 5 ms floor
    trips.observe(5.0)  # one very slow answer widens the margin, up to the cap
    assert trips.margin() == 0.5
    steady = RoundTrips()
    for _ in range(10):
        steady.observe(0.25)
    assert steady.margin() == 0.005
