"""Tables of the archive feature (see its migration in ezd/migrations/versions/)."""
