"""A helper module that counter.py imports: its state is per instance too (sub-interpreters)."""
calls = []
