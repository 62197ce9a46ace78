"""The engine benchmark runs (its speed is measured by `make bench`, not asserted here)."""

from bench.engines import prescribe_throughput


def test_the_benchmark_builds_programs():
    result = prescribe_throughput(programs=20)
    assert result["programs"] == 20 and result["per_second"] > 0


def test_the_progression_benchmark_evaluates():
    from bench.engines import progress_throughput

    result = progress_throughput(evaluations=50)
    assert result["evaluations"] == 50 and result["per_second"] > 0


def test_bench_engines_writes_a_table_and_json(tmp_path, settings):
    import json

    from django.core.management import call_command

    settings.BASE_DIR = tmp_path
    call_command("bench_engines", "--quick", verbosity=0)
    results = json.loads((tmp_path / "var" / "bench" / "engines.json").read_text())
    assert [e["engine"] for e in results["engines"]] == ["prescription", "progression"]
    assert "| prescription |" in (tmp_path / "var" / "bench" / "engines.md").read_text()
