"""Progress at a glance: a course's learners by assigned mini-module, for facilitators and mentors.

`domain` (grid, paging, csv_export) holds the rules (pure), `services` has the database filter,
sort and cut a page of a course in a fixed number of queries and builds the page's rows by those
rules, `models` keeps each membership's latest activity with triggers, `views` serves the grid
(`/l/<launch>/progress/`) and its streamed CSV export.
"""
