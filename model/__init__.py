"""The reading LSTM: its architecture, a numpy x-ray of its steps, and image preprocessing.

Knows nothing of Streamlit or of training loops.
"""
