"""Plotly figure specs as pure functions: data in, spec out, tested without a browser."""
