"""ORM loaders: read what a check needs in a bounded number of queries, whatever the fleet size."""
