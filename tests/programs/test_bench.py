"""The engine benchmark runs (its speed is measured by `make bench`, not asserted here)."""

from programs.bench import prescribe_throughput


def test_the_benchmark_builds_programs():
    result = prescribe_throughput(programs=20)
    assert result["programs"] == 20 and result["per_second"] > 0
