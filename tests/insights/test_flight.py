"""KeyedLocks: one holder per key at a time, keys independent, nothing kept once nobody holds or waits."""

from __future__ import annotations

import threading
import time

from renda.insights.flight import KeyedLocks


def test_one_holder_per_key_and_keys_are_independent() -> None:
    locks = KeyedLocks()
    inside: dict[str, int] = {"a": 0, "b": 0}
    most: dict[str, int] = {"a": 0, "b": 0}
    guard = threading.Lock()

    def work(key: str) -> None:
        with locks.hold(key):
            with guard:
                inside[key] += 1
                most[key] = max(most[key], inside[key])
            time.sleep(0.02)
            with guard:
                inside[key] -= 1

    threads = [threading.Thread(target=work, args=(key,)) for key in "abababab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == {"a": 1, "b": 1}
    assert len(locks) == 0  # released keys are forgotten


def test_another_key_is_not_held_up() -> None:
    locks = KeyedLocks()
    got_b = threading.Event()

    def take_b() -> None:
        with locks.hold("b"):
            got_b.set()

    with locks.hold("a"):
        t = threading.Thread(target=take_b)
        t.start()
        assert got_b.wait(timeout=10)  # while "a" is held
    t.join()


def test_a_failing_holder_releases_the_key() -> None:
    locks = KeyedLocks()
    try:
        with locks.hold("k"):
            raise RuntimeError("build failed")
    except RuntimeError:
        pass
    assert len(locks) == 0
    with locks.hold("k"):
        assert len(locks) == 1
