"""Insights: which marketing makes money, across weeks."""
