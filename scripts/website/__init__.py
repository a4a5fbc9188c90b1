"""The site: a static, searchable web site built from the store (python scripts/site.py OUTDIR)."""
