"""The tool's public pages, outside any launch: the index an LMS administrator reads to register
the tool, the health check a platform's monitor calls, and /favicon.ico."""
