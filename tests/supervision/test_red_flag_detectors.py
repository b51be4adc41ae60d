"""The pure detectors on constructed event streams: each fires on its pattern and stays silent on normal traffic."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from backoffice.config import SupervisionSettings
from backoffice.errors import InvalidInput
from backoffice.workflows.red_flags import (
    BankChangeSample,
    FlagKind,
    LockSample,
    UnlockSample,
    detect_agent_outliers,
    detect_ip_bursts,
    detect_out_of_hours_unlocks,
    detect_repeated_locks,
    detect_subnet_bursts,
    detect_unlock_after_bank_change,
    parse_opening_hours,
    subnet_of,
)
from tests.supervision.conftest import paris

CFG = SupervisionSettings()
WINDOW = timedelta(minutes=CFG.burst_ip_window_minutes)
HOURS = parse_opening_hours(CFG.opening_hours)


def locks(
    times: list[datetime], ips: list[str] | str, accounts: list[int] | None = None, start_id: int = 1
) -> list[LockSample]:
    ip_list = [ips] * len(times) if isinstance(ips, str) else ips
    account_list = accounts or list(range(100, 100 + len(times)))
    return [
        LockSample(
            start_id + i, t, ip, account_list[i], account_list[i] + 1000, f"TI000{account_list[i]:07d}"
        )
        for i, (t, ip) in enumerate(zip(times, ip_list, strict=True))
    ]


def every(start: datetime, n: int, step: timedelta) -> list[datetime]:
    return [start + i * step for i in range(n)]


def normal_locks() -> list[LockSample]:
    """A fortnight of ordinary traffic: one lock every 20 minutes from scattered addresses and accounts."""
    times = every(paris(2026, 11, 10, 0), 1000, timedelta(minutes=20))
    ips = [f"10.{i % 200}.{(i * 37) % 256}.{i % 250}" for i in range(1000)]
    return locks(times, ips, [i % 400 for i in range(1000)])


def test_many_locks_from_one_address_in_a_short_window_is_a_burst() -> None:
    burst = locks(every(paris(2026, 11, 26, 3, 2), 12, timedelta(seconds=45)), "198.51.100.23", start_id=5000)
    flags = detect_ip_bursts(normal_locks() + burst, WINDOW, CFG.burst_ip_min_locks)
    assert len(flags) == 1
    flag = flags[0]
    assert flag.kind is FlagKind.IP_BURST
    assert flag.event_ids == tuple(range(5000, 5012))
    assert flag.subject == "198.51.100.23"
    assert "12 blocages depuis l'adresse 198.51.100.23" in flag.explanation
    assert "le 26 novembre 2026 entre 3 h 02 et 3 h 10" in flag.explanation
    assert "12 comptes différents" in flag.explanation
    assert "credential stuffing" in flag.explanation


def test_locks_from_one_address_below_threshold_or_spread_out_are_not_a_burst() -> None:
    just_below = locks(
        every(paris(2026, 11, 26, 3), CFG.burst_ip_min_locks - 1, timedelta(minutes=1)), "198.51.100.23"
    )
    spread = locks(
        every(paris(2026, 11, 25, 3), 30, timedelta(minutes=2)), "198.51.100.24"
    )  # 1 per 2 min: 8 per 15
    assert detect_ip_bursts(normal_locks() + just_below + spread, WINDOW, CFG.burst_ip_min_locks) == []


def test_two_separate_bursts_from_the_same_address_are_two_flags() -> None:
    first = locks(every(paris(2026, 11, 26, 1), 10, timedelta(minutes=1)), "198.51.100.9", start_id=1)
    second = locks(every(paris(2026, 11, 26, 5), 10, timedelta(minutes=1)), "198.51.100.9", start_id=100)
    flags = detect_ip_bursts(first + second, WINDOW, CFG.burst_ip_min_locks)
    assert [f.event_ids for f in flags] == [tuple(range(1, 11)), tuple(range(100, 110))]


def test_attack_spread_over_a_slash_24_is_caught_by_the_subnet_detector_only() -> None:
    ips = [f"192.0.2.{10 + i}" for i in range(25)]
    burst = locks(every(paris(2026, 11, 26, 22, 0), 25, timedelta(seconds=20)), ips, start_id=7000)
    stream = normal_locks() + burst
    assert detect_ip_bursts(stream, WINDOW, CFG.burst_ip_min_locks) == []
    flags = detect_subnet_bursts(stream, WINDOW, CFG.burst_subnet_min_locks)
    assert len(flags) == 1
    assert flags[0].subject == "192.0.2.0/24"
    assert flags[0].event_ids == tuple(range(7000, 7025))
    assert "25 blocages depuis 25 adresses du réseau 192.0.2.0/24" in flags[0].explanation


def test_subnet_detector_ignores_a_single_address_and_ipv6() -> None:
    one_address = locks(every(paris(2026, 11, 26, 22), 25, timedelta(seconds=10)), "192.0.2.50")
    ipv6 = locks(
        every(paris(2026, 11, 26, 23), 25, timedelta(seconds=10)), [f"2001:db8::{i}" for i in range(25)]
    )
    assert detect_subnet_bursts(one_address + ipv6, WINDOW, CFG.burst_subnet_min_locks) == []
    assert subnet_of("2001:db8::1") is None
    assert subnet_of("192.0.2.255") == "192.0.2.0/24"


def test_one_account_locked_repeatedly_within_the_window() -> None:
    times = [paris(2026, 11, 20, 8), paris(2026, 11, 22, 19), paris(2026, 11, 25, 7)]
    repeated = locks(times, ["10.0.0.1", "10.0.0.2", "10.0.0.3"], [4242, 4242, 4242], start_id=900)
    window = timedelta(days=CFG.repeated_lock_window_days)
    flags = detect_repeated_locks(normal_locks() + repeated, window, CFG.repeated_lock_min_count)
    assert len(flags) == 1
    assert flags[0].event_ids == (900, 901, 902)
    assert flags[0].customer_id == 5242
    assert "TI0000004242 a été bloqué 3 fois" in flags[0].explanation
    assert "7 jours" in flags[0].explanation


def test_the_same_account_locked_three_times_in_a_month_is_normal() -> None:
    times = [paris(2026, 10, 20), paris(2026, 11, 5), paris(2026, 11, 25)]
    repeated = locks(times, "10.0.0.1", [42, 42, 42])
    window = timedelta(days=CFG.repeated_lock_window_days)
    assert detect_repeated_locks(repeated, window, CFG.repeated_lock_min_count) == []


def unlock(event_id: int, at: datetime, agent: int = 1, customer: int = 77) -> UnlockSample:
    return UnlockSample(event_id, customer, at, agent, f"Agent {agent}", f"TI000{customer:07d}")


def test_unlock_shortly_after_a_bank_details_change() -> None:
    within = timedelta(hours=CFG.unlock_after_bank_change_hours)
    changes = [BankChangeSample(77, paris(2026, 11, 24, 16, 0))]
    flags = detect_unlock_after_bank_change([unlock(5, paris(2026, 11, 25, 10, 30))], changes, within)
    assert len(flags) == 1
    assert flags[0].event_ids == (5,)
    assert flags[0].agent_id == 1
    assert "18 h 30 après un changement de coordonnées bancaires" in flags[0].explanation
    assert "le 24 novembre 2026 à 16 h 00" in flags[0].explanation


def test_unlock_long_after_or_before_a_bank_change_or_for_another_customer_is_silent() -> None:
    within = timedelta(hours=CFG.unlock_after_bank_change_hours)
    changes = [BankChangeSample(77, paris(2026, 11, 10)), BankChangeSample(78, paris(2026, 11, 25, 9))]
    unlocks = [
        unlock(1, paris(2026, 11, 20)),  # ten days later
        unlock(2, paris(2026, 11, 9)),  # before the change
        unlock(3, paris(2026, 11, 25, 10), customer=79),  # someone else
    ]
    assert detect_unlock_after_bank_change(unlocks, changes, within) == []


def team(counts: dict[int, int]) -> list[UnlockSample]:
    samples = []
    n = 0
    for agent, count in counts.items():
        for i in range(count):
            n += 1
            samples.append(unlock(n, paris(2026, 11, 2 + i % 20, 10), agent=agent, customer=n))
    return samples


def test_agent_far_above_peers_is_flagged_alone() -> None:
    flags = detect_agent_outliers(
        team({1: 40, 2: 9, 3: 11, 4: 10}), CFG.agent_unlock_ratio_to_peers, CFG.agent_unlock_min_count
    )
    assert [f.agent_id for f in flags] == [1]
    assert len(flags[0].event_ids) == 40
    assert (
        "Agent 1 a débloqué 40 comptes sur la période, contre 10 en médiane pour ses 3 collègues"
        in flags[0].explanation
    )


def test_agents_with_comparable_volumes_or_few_unlocks_are_not_flagged() -> None:
    ratio, minimum = CFG.agent_unlock_ratio_to_peers, CFG.agent_unlock_min_count
    assert detect_agent_outliers(team({1: 25, 2: 18, 3: 22}), ratio, minimum) == []
    assert detect_agent_outliers(team({1: 9, 2: 1, 3: 1}), ratio, minimum) == []  # 9 < minimum
    assert detect_agent_outliers(team({1: 80}), ratio, minimum) == []  # nobody to compare with


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (paris(2026, 11, 26, 9, 0), True),  # Thursday opening
        (paris(2026, 11, 26, 12, 29), True),
        (paris(2026, 11, 26, 12, 30), False),  # lunch break
        (paris(2026, 11, 26, 13, 59), False),
        (paris(2026, 11, 26, 18, 29), True),
        (paris(2026, 11, 26, 18, 30), False),
        (paris(2026, 11, 26, 8, 59), False),
        (paris(2026, 11, 28, 11, 0), True),  # Saturday morning
        (paris(2026, 11, 28, 15, 0), False),  # Saturday afternoon
        (paris(2026, 11, 29, 10, 0), False),  # Sunday
        (paris(2026, 12, 25, 10, 0), False),  # Christmas, a Friday
        (paris(2026, 7, 14, 10, 0), False),  # national day, summer time
        (paris(2026, 7, 15, 10, 0), True),
    ],
)
def test_opening_hours_in_paris_time(moment: datetime, open_: bool) -> None:
    assert HOURS.is_open(moment) is open_


def test_unlocks_outside_opening_hours_are_grouped_per_agent_and_day() -> None:
    unlocks = [
        unlock(1, paris(2026, 11, 26, 21, 15), agent=1),
        unlock(2, paris(2026, 11, 26, 22, 40), agent=1),
        unlock(3, paris(2026, 11, 29, 10, 0), agent=2),  # Sunday
        unlock(4, paris(2026, 11, 26, 10, 0), agent=1),  # in hours
        unlock(5, paris(2026, 11, 27, 15, 0), agent=2),  # in hours
    ]
    flags = detect_out_of_hours_unlocks(unlocks, HOURS)
    assert [(f.agent_id, f.event_ids) for f in flags] == [(1, (1, 2)), (2, (3,))]
    assert (
        "Agent 1 a débloqué 2 comptes le 26 novembre 2026 en dehors des heures d'ouverture"
        in flags[0].explanation
    )
    assert "21 h 15, 22 h 40" in flags[0].explanation
    christmas = detect_out_of_hours_unlocks([unlock(9, paris(2026, 12, 25, 10))], HOURS)
    assert "jour férié" in christmas[0].explanation


def test_normal_traffic_raises_no_flag_at_all() -> None:
    stream = normal_locks()
    unlocks = [
        unlock(s.event_id, s.occurred_at.replace(hour=10), agent=s.event_id % 4, customer=s.customer_id)
        for s in stream
    ]
    assert detect_ip_bursts(stream, WINDOW, CFG.burst_ip_min_locks) == []
    assert detect_subnet_bursts(stream, WINDOW, CFG.burst_subnet_min_locks) == []
    assert (
        detect_repeated_locks(
            stream, timedelta(days=CFG.repeated_lock_window_days), CFG.repeated_lock_min_count
        )
        == []
    )
    assert detect_agent_outliers(unlocks, CFG.agent_unlock_ratio_to_peers, CFG.agent_unlock_min_count) == []
    weekdays = [
        u for u in unlocks if u.unlocked_at.weekday() < 5 and u.unlocked_at.day != 11
    ]  # 11 Nov: holiday
    assert detect_out_of_hours_unlocks(weekdays, HOURS) == []


def test_opening_hours_parser_accepts_french_days_and_rejects_nonsense() -> None:
    hours = parse_opening_hours("lun-ven 8h30-17:00; sam 9:00-12:00")
    assert hours.is_open(paris(2026, 11, 26, 8, 45))
    assert not hours.is_open(paris(2026, 11, 28, 12, 30))
    for bad in (
        "",
        "Mon-Fri",
        "Funday 09:00-12:00",
        "Mon 12:00-09:00",
        "Mon 25:00-26:00",
        "Fri-Mon 09:00-10:00",
    ):
        with pytest.raises(InvalidInput, match="Heures d'ouverture illisibles"):
            parse_opening_hours(bad)
