"""Driving the real app from outside, as its users do: a server, Chromium, a class of students.

Shared by tests/ and bench/, so that neither imports the other. Knows the app
only through its pages and files, never through its Streamlit code.
"""
