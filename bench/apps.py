from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark harness: installed by the benchmark and test settings only, never in
    production (its management commands seed and measure; see `make bench`)."""

    name = "bench"
