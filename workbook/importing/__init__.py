"""The sheets of a workbook import, one class each; workbook/importer.py runs them."""
