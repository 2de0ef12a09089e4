"""The HTTP benchmark's own code (bench/throughput.py): its settings, and two baseline views
served by the same gunicorn as the product's pages. Never part of the product's URLs."""
