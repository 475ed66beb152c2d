"""The Look inside page: what the reading network learned across the MNIST test set."""

import streamlit as st

st.title("Look inside")
