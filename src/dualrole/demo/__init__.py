"""The demo workspace: a believable small business built through the services."""
