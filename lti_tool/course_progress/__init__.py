"""Progress at a glance: a course's learners by assigned mini-module, for facilitators and mentors.

`domain` (grid, paging, csv_export) holds the rules (pure), `services` loads one course in a
fixed number of queries, `views` serves the grid (`/l/<launch>/progress/`) and its CSV export.
"""
