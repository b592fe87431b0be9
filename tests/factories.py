"""The tests' synthetic organisations, shared with the benchmarks (bench/orgshapes/).

- ``grow_org``, ``sheet_rows``, ``wipe_org`` (bench.orgshapes.small): a
  regular organisation of a few units built through the workbook importer,
  on which most pages' query counts are locked.
- ``shapes`` (bench.orgshapes.shapes): the organisations of several shapes
  written with bulk_create (balanced, a 30-level chain, wide, random,
  one boss of thousands, long duties, a common word, many forms and KPIs),
  and the chart's skeletons (``shapes.chain``, ``shapes.wide``,
  ``shapes.random_org``, ``shapes.units``).
"""

from bench.orgshapes import shapes
from bench.orgshapes.small import grow_org, sheet_rows, wipe_org

__all__ = ["grow_org", "shapes", "sheet_rows", "wipe_org"]
