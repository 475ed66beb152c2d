"""Training the reading LSTM: recipes, the training loop and its run folder, the runs an app starts, and the models
they leave.

Run `python -m training --help`. Knows nothing of Streamlit.
"""
