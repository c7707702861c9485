"""Outputs: the brief (PDF), Excel and CSV exports, plotly figures, Chromium printing."""
