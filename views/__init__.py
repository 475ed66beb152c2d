"""Everything a browser is shown: pages, the parts they share, figures, and the browser components (players).

The only layer that imports Streamlit; at its top, only what every folder below shares.
"""
