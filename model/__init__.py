"""The reading LSTM and what it reads: its architecture and weights, a numpy x-ray of its steps, MNIST and the
preprocessing that makes any drawing look like it, and what the model learned (its report).

Knows nothing of Streamlit, of training loops, or of anything above it.
"""
