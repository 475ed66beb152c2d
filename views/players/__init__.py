"""The Python side of the browser components (static/players/): their specs and their mounting."""
