"""Generators of synthetic data for Vigie's tests and benchmarks; not part of the runtime.

Nothing in the ``vigie`` package imports this package, and a production install never needs it:
``vigie demo`` and every command run without it. It lives beside ``vigie`` (not in ``tests/``) so
that the benchmarks, which run as scripts, import it the same way the tests do.

* ``vigie_testing.acled_ucdp``: rows in the real file formats of ACLED and UCDP GED (ACLED's terms
  forbid redistributing its data, so no real ACLED row is ever shipped);
* ``vigie_testing.linkage_reports``: incidents and the noisy, multi-source reports about them,
  with the truth, for the linkage engine's tests and benchmark.

Both are standard library only (plus Vigie's own reference data) and deterministic for a seed.
"""
