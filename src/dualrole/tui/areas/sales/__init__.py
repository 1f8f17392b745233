"""Sales: prospects, the pipeline and follow-ups; a prospect's page, forms and actions."""
