"""Grades: completion scores recorded in an outbox and delivered to the LMS gradebook (AGS 2.0)."""
