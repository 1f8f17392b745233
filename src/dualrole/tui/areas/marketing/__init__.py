"""Marketing: segments, research notes, promotions and tasks, with their pages and forms."""
