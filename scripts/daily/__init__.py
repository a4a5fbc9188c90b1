"""The daily run's steps: config, plan, fetch, relevance, store, render, outputs, publish, report (update.py runs
them)."""
