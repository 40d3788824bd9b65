"""Adapters that put retold inside pipelines people already run (datatrove)."""
