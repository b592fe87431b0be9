"""The synthetic organisations of the tests and the benchmarks, in one place.

- ``shapes``: the generator of organisations written straight into the
  tables with bulk_create. ``shapes.build(shape, positions, duties, seed)``
  writes one of ``shapes.SHAPES`` (balanced, chain, wide, random, one-boss,
  long-duties, common-word, forms-kpis) at any size; ``shapes.classic`` is
  bench.generate_org's default organisation of the earlier figures (it was
  ``bulk.generate``); ``shapes.chain``, ``wide``, ``random_org`` and
  ``units`` are the chart tests' skeletons (``random_org`` was
  ``random_tree.random_org``). The benchmarks (bench.generate_org,
  bench.page_shapes, bench.chart) and the tests (tests/factories.py) use it.
- ``small``: ``grow_org()``, a regular organisation of a few units built
  through the workbook importer; most page tests lock their query counts on it.
- ``realistic``: ``generate_sheets()``, a large organisation with realistic
  Chinese text as workbook sheets, pure Python; bench.import_workbook writes
  it to an .xlsx and times its import.
- ``chart``: drawings built by hand for the renderers (no database).

Each keeps the organisation the figures and query counts resting on it were
measured with: the same parameters give the same rows. ``shapes`` and
``small`` need Django set up; ``realistic`` and ``chart`` do not.
(bench.concurrent_moves builds its own tree of departments only, emptied and
rebuilt on every run: a fixture of that script, not an organisation.)
"""
