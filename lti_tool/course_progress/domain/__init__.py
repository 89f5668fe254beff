"""The pure rules of progress at a glance: standard library only.

`grid` builds the learners-by-module grid and its filters, `paging` cuts it into pages, and
`csv_export` writes it for a spreadsheet (with formula injection neutralised).
"""
