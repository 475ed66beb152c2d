"""Training the reading LSTM: MNIST loading, presets, the training loop and its run folder.

Run `python -m training --help`. Knows nothing of Streamlit.
"""
