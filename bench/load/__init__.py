"""Pieces of the classroom load harness (bench/load_harness.py): students, the server's memory, the report."""
