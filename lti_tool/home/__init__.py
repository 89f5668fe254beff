"""The course home after a launch: where a learner or facilitator starts, and where deep links land."""
