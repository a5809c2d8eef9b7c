"""One module per social network: listen (fetch since a cursor) and reply."""
