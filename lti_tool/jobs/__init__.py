"""Background work: the job queue (Huey), the leases that keep periodic work single, the worker.

Requests never call an LMS. They write a row (the grade outbox, a roster sync request) in their own
transaction and, once it has committed, put a job carrying the row's id on the queue. A worker
(`flask jobs worker`, the Procfile's `worker:` line) takes it; the periodic sweeps find any row
whose job was lost (a worker killed, Redis down at the moment of the click), so the database stays
the source of truth and the queue only makes things fast.
"""
