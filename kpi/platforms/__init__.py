"""The pilot-platform register over time, its history, reviews and rewards."""
