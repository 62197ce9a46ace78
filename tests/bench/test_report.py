"""The benchmark's pure parts: reading wrk, ratios of interleaved rounds, the table, scripts."""

import json

import pytest

from bench.bulk import _text
from bench.http import Browser, lua_script
from bench.management.commands.bench_http import build_rows
from bench.report import Row, WrkRun, combine, parse_wrk, render_markdown
from bench.scenario import Endpoint, Plan

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8765/bench/bare/
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.31ms    1.02ms  18.20ms   90.12%
    Req/Sec     3.48k   210.33     3.80k    80.00%
  Latency Distribution
     50%    2.10ms
     75%    2.60ms
     90%    3.20ms
     99%  850.00us
  17402 requests in 5.00s, 3.10MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:   3480.40
Transfer/sec:    634.12KB
"""


def test_wrk_output_is_read_with_units_and_errors():
    run = parse_wrk(WRK_OUTPUT)
    assert run.requests_per_s == pytest.approx(3480.40)
    assert run.p50_ms == pytest.approx(2.1)
    assert run.p99_ms == pytest.approx(0.85)
    assert run.requests == 17402
    assert run.errors == 7


def test_seconds_latencies_and_a_clean_run():
    output = WRK_OUTPUT.replace("     99%  850.00us", "     99%    1.20s").replace(
        "  Socket errors: connect 0, read 1, write 0, timeout 2\n  Non-2xx or 3xx responses: 4\n",
        "",
    )
    run = parse_wrk(output)
    assert run.p99_ms == pytest.approx(1200.0) and run.errors == 0


def test_anything_else_is_not_taken_for_wrk_output():
    with pytest.raises(ValueError):
        parse_wrk("unable to connect to 127.0.0.1:8765 Connection refused")


def _run(rps, errors=0):
    return WrkRun(requests_per_s=rps, p50_ms=rps / 100, p99_ms=rps / 40, requests=1, errors=errors)


def test_the_ratio_is_the_median_of_each_round_against_its_own_bare_run():
    # The machine slows down in round 2: the ratio, not the absolute rate, stays put.
    row = combine(
        "page",
        [(_run(3000), _run(600)), (_run(1500), _run(300)), (_run(2000), _run(500))],
        target=0.15,
        queries_small=5,
        queries_large=5,
    )
    assert row.ratio == pytest.approx(0.2)
    assert row.rate == 500
    assert row.rounds == [0.2, 0.2, 0.25]
    assert row.passed is True


def test_a_row_fails_when_its_slowest_percent_is_over_four_times_the_median():
    base = {"name": "page", "rate": 100, "ratio": 0.2, "target": 0.10}
    assert Row(**base, p50_ms=10, p99_ms=40).passed is True
    assert Row(**base, p50_ms=10, p99_ms=41).passed is False


def test_a_row_fails_on_its_ratio_on_unequal_query_counts_or_on_errors():
    base = {"rate": 100, "p50_ms": 1, "p99_ms": 2, "target": 0.10}
    base.update(queries_small=5, queries_large=5)
    assert Row("ok", ratio=0.11, **base).passed is True
    assert Row("slow", ratio=0.09, **base).passed is False
    assert Row("grows", ratio=0.5, **{**base, "queries_large": 6}).passed is False
    assert Row("errors", ratio=0.5, errors=1, **base).passed is False
    info = Row("info", rate=1, p50_ms=1, p99_ms=1, ratio=0.05, target=None)
    assert info.passed is None


def test_the_table_shows_every_column():
    rows = [
        Row("bare view (ceiling)", 3480, 2.1, 3.0, 1.0, None, 0, 0),
        Row("patient home, 8 items", 600, 12.0, 20.5, 0.1724, 0.15, 7, 7),
        Row("week calendar", 200, 30.0, 60.0, 0.0575, 0.08, 11, 12, errors=3),
        Row("sweep", 900.0, None, None, 0.6, 0.5, unit="msg/s"),
    ]
    table = render_markdown(rows).splitlines()
    assert table[0].startswith("| endpoint | rate | p50 ms | p99 ms | SQL queries")
    assert table[2] == "| bare view (ceiling) | 3,480 req/s | 2.1 | 3.0 | 0 | 100.0 % | – | yes |"
    assert table[3] == (
        "| patient home, 8 items | 600 req/s | 12.0 | 20.5 | 7 | 17.2 % | ≥ 15.0 % | yes |"
    )
    assert table[4] == (
        "| week calendar | 200 req/s | 30.0 | 60.0 | 11 small / 12 large | 5.8 % | ≥ 8.0 % "
        "| NO (3 errors) |"
    )
    assert table[5] == "| sweep | 900 msg/s | – | – | – | 60.0 % | ≥ 50.0 % | yes |"


def test_rows_of_a_run_put_the_bare_view_first_and_the_sweep_last():
    plan = Plan(
        actors={},
        endpoints=[
            Endpoint("bare", "/bench/bare/", "anonymous", None),
            Endpoint("page", "/", "patient8", 0.15),
        ],
        queries={"bare": 0, "page": 7},
    )
    small = Plan(actors={}, endpoints=plan.endpoints, queries={"bare": 0, "page": 7})
    runs = {"page": [(_run(3000), _run(600)), (_run(2800), _run(560))]}
    sweep = {"messages": 10, "sent": 10, "noop_per_s": 1000.0, "sweep_per_s": 700.0, "ratio": 0.7}
    rows = build_rows(plan, small, runs, sweep)
    assert [r.name for r in rows][:2] == ["bare", "page"]
    assert rows[0].rate == 2900 and rows[0].ratio == 1.0
    assert rows[1].ratio == pytest.approx(0.2) and rows[1].passed
    assert rows[2].unit == "msg/s" and rows[2].ratio == 0.7 and rows[2].passed


def test_a_post_script_sends_the_form_cookies_and_csrf_header():
    browser = Browser(8765)
    browser.cookies = {"sessionid": "abc", "csrftoken": "tok"}
    endpoint = Endpoint("create", "/x/", "clinician", 0.08, method="POST", form={"a": "1 2"})
    script = lua_script(endpoint, browser, 8765)
    assert 'wrk.method = "POST"' in script
    assert 'wrk.body = "a=1+2"' in script
    assert 'wrk.headers["Cookie"] = "sessionid=abc; csrftoken=tok"' in script
    assert 'wrk.headers["X-CSRFToken"] = "tok"' in script
    assert 'wrk.headers["X-Forwarded-Proto"] = "https"' in script
    anonymous = lua_script(Endpoint("bare", "/b/", "anonymous", None), None, 8765)
    assert "Cookie" not in anonymous and 'wrk.method = "GET"' in anonymous


def test_a_script_with_several_paths_sends_each_in_turn():
    endpoint = Endpoint(
        "build", "/s/1/", "clinician", 0.08, method="POST", paths=["/s/1/", "/s/2/"]
    )
    script = lua_script(endpoint, None, 8765)
    assert 'paths = {"/s/1/", "/s/2/"}' in script
    assert "counter = counter % #paths + 1" in script
    assert "return wrk.format(nil, paths[counter])" in script
    assert "request = function" not in lua_script(Endpoint("one", "/o/", "x", None), None, 8765)


def test_copy_text_escapes_what_postgresql_would_misread():
    assert _text(None) == r"\N"
    assert _text(True) == "t" and _text(False) == "f"
    assert _text("a\tb\nc\\d") == "a\\tb\\nc\\\\d"
    assert json.loads(_text({"k": [1, "x"]})) == {"k": [1, "x"]}


def test_a_round_whose_bare_run_got_nothing_counts_as_zero_not_a_crash():
    row = combine("page", [(_run(0), _run(5)), (_run(1000), _run(100))], target=0.1)
    assert row.rounds == [0.0, 0.1]
