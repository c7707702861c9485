"""Files in: CSV reading, checks, warnings, and the loaders of each kind of file."""
