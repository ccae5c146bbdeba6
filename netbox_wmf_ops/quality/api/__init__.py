"""REST API of the data-quality records."""
