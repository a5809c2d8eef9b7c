"""Enrichment of incoming mentions: sentiment now, matching and priority later."""
