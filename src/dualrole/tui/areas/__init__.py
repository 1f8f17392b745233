"""The areas, one folder each (Today, Marketing, Sales, Review, Insights): its screen, its
record pages, forms, actions and styles; ``base.py`` holds what every area screen shares."""
