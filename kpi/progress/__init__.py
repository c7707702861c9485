"""Pure arithmetic of progress: ratios, gaps, statuses, glide path, pace, projection."""
