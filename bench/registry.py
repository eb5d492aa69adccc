"""Every benchmark `make bench` runs, in order: one line each.

A benchmark is a module with ``run(opts: bench.common.Options) -> list[bench.common.Result]``
(``run(*, quick)`` is accepted too). To add one, write the module and add its line here; the
harness imports it only when it runs, so a benchmark's imports cost the others nothing.
Figures measured over rounds should come from ``bench.common.measured`` (median of at least
``opts.rounds`` rounds, with the lowest and highest beside it).
"""

from __future__ import annotations

BENCHES: dict[str, str] = {
    "client_overhead": "bench.client_overhead",
    "round_trip": "bench.round_trip",
    "submit_wait": "bench.submit_wait",
    "loopback": "bench.loopback",
    "regenerate": "bench.regenerate",
    # The mock's state and concurrency: cost at 10,000 stored tasks, memory, 1,000 submits.
    "state_growth": "bench.state_growth",
    "mock_memory": "bench.mock_memory",
    "mock_concurrency": "bench.mock_concurrency",
}
