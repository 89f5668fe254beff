"""The tool's landing pages: the course home after a launch, the public index and health check."""
