"""One short script of UI calls per page; app.py puts them in the navigation."""
