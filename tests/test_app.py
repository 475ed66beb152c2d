"""The placeholder page: loads the shipped model, reads an uploaded digit, refuses a non-image."""

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402


def test_app_starts_with_the_shipped_model_and_invites_an_upload():
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    assert not app.exception
    assert app.title[0].value == "Row Reader"
    assert any("Upload a PNG or JPEG" in info.value for info in app.info)
    assert not app.metric  # no guess before there is a digit
