"""What an LMS administrator runs: `flask lti …` to register platforms and deployments, rotate the
tool's keys, print its URLs and purge expired state. Above lti and people, since removing a
registration removes the courses and memberships it brought."""
