"""The About page: what Row Reader is, and how to serve it to a class."""

import streamlit as st

st.title("About Row Reader")
st.markdown("An LSTM reads a handwritten digit one pixel row at a time.")
