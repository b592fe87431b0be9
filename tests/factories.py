"""The tests' synthetic organisations: bench.orgshapes.small, shared with the benchmarks.

The organisations live beside the benchmarks' in ``bench/orgshapes/`` so there
is one place for every synthetic organisation; the tests import them from here.
"""

from bench.orgshapes.small import grow_org, sheet_rows, wipe_org

__all__ = ["grow_org", "sheet_rows", "wipe_org"]
