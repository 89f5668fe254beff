"""Mini-module services: each takes its database session and the launch explicitly, and flushes.

`catalogue` loads and validates the content files once; `progress` records what a learner opened,
wrote and completed; `reflection_page` saves a page's answers together; `files` stores uploads
(staged, then moved after the commit); `assignments` are what facilitators assign; `review` is a
facilitator's reading and feedback; `mentee_reading` is a mentor's view of what a mentee shared.
"""
