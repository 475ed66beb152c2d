"""The rules a class plays by: the class wall's memory and the race's scoring.

Plain Python, tested without a page; the pages in views/ hold only the widgets.
Knows nothing of Streamlit or training.
"""
