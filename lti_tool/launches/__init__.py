"""A verified launch, from the LMS's POST to the pages it opens: the launch endpoint records the
people and stores the launch under a random id, `binding` ties every page under `/l/<launch_id>/`
to that launch and to the browser that made it, `events` tells the features a launch happened."""
