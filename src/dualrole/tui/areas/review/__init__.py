"""Review: the weekly review, its records-behind-a-figure, targets and export dialogs."""
