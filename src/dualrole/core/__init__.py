"""Plain values and the rules on them.

Dates and times, money, counted words, printable text, errors, enums and the validated models:
everything here is free of storage and of the screens.
"""
