"""The synthetic organisations of the tests and the benchmarks, in one place.

Three shapes, each kept exactly as the figures and query counts that rest on
it were measured (the same parameters give the same organisation, row for row):

- ``small``: ``grow_org()``, a regular organisation of a few units built
  through the workbook importer; the tests' (tests/factories.py).
- ``realistic``: ``generate_sheets()``, a large organisation with realistic
  Chinese text as workbook sheets, pure Python; bench.import_workbook writes
  it to an .xlsx and times its import.
- ``bulk``: ``generate()``, a large organisation written straight into the
  tables with bulk_create; bench.generate_org, for the page timings and the
  load test.

Import the module you need: ``realistic`` needs no Django, the other two need
it set up. (bench.concurrent_moves builds its own tree of departments only,
emptied and rebuilt on every run: a fixture of that script, not an
organisation.)
"""
