"""Reusable widgets: the paged list, the top bar, the search box."""
