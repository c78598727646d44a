"""Use cases: typed functions that add and flush; the request or the CLI command commits."""
