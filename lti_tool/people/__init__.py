"""People and their places in courses: users, course contexts and memberships, recorded from
launches (and from rosters), and who mentors whom. Above the LTI protocol, which it reads through
LaunchClaims and LaunchContext; below every feature."""
