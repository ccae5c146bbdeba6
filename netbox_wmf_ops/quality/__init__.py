"""Data quality: persistent findings and runs of the shipped reports (pure diff, ORM service, job, views, API)."""
