"""Screens: one per area (Today, Marketing, Sales, Review) plus record pages and dialogs."""
