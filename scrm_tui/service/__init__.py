"""The application without a UI: ingest pipeline, inbox actions, live-change feed."""
