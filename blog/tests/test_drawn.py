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


def test_forget_all_empties_every_store_as_a_fresh_worker_has_them():
    from blog.drawn import forget_all

    first, second = Drawn(2), Drawn(2)
    first.keep("a", "A")
    second.keep("b", "B")
    forget_all()
    assert first.find("a") is None and second.find("b") is None


def test_a_bound_given_as_a_function_is_read_when_a_case_is_kept():
    bound = [2]
    drawn = Drawn(lambda: bound[0])
    for case in ("a", "b"):
        drawn.keep(case, case)
    bound[0] = 1
    drawn.keep("c", "c")
    assert drawn.cases() == ["c"]
