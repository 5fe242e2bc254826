"""What a process keeps drawn: each case drawn once, at most ``size`` cases, the oldest out first."""

from blog.drawn import Drawn


def test_a_case_is_drawn_once_and_the_oldest_goes_first():
    drawn, draws = Drawn(2), []

    def draw(case):
        return lambda: draws.append(case) or f"<p>{case}</p>"

    assert [drawn.get(case, draw(case)) for case in ("a", "b", "a")] == ["<p>a</p>", "<p>b</p>", "<p>a</p>"]
    assert draws == ["a", "b"]
    drawn.get("c", draw("c"))
    assert drawn.cases() == ["b", "c"] and len(drawn) == 2
    drawn.get("a", draw("a"))
    assert draws == ["a", "b", "c", "a"]
    drawn.clear()
    assert not drawn and drawn.values() == []


def test_what_a_caller_drew_itself_is_kept_and_found_within_the_same_bound():
    drawn = Drawn(2)
    assert drawn.find("a") is None
    for case in ("a", "b", "c"):
        drawn.keep(case, case.upper())
    assert drawn.find("a") is None and drawn.find("c") == "C" and drawn.cases() == ["b", "c"]
