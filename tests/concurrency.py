"""Running the same work from several database connections at once (PostgreSQL tests)."""

import threading

from django.db import connection


def run_together(worker, count: int) -> list:
    """Start `count` threads that wait at a barrier, then each call `worker(i)`: what each
    returned, or the exception it raised. Each thread closes its own connection."""
    barrier = threading.Barrier(count)
    outcomes: list = [None] * count

    def run(i):
        try:
            barrier.wait(timeout=30)
            outcomes[i] = worker(i)
        except BaseException as error:  # noqa: BLE001 - the test reports what leaked
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def failures(outcomes: list) -> list[BaseException]:
    return [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
