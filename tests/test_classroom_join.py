"""The join card's address: the one the server really listens on, or why students cannot reach it."""

import io

import numpy as np
import pytest
from PIL import Image

from classroom.join import join_address, qr_png
from training.devices import training_cores
from views.words import cores_sentence


@pytest.mark.parametrize("listen", [None, "", "0.0.0.0", "::"])
def test_a_server_on_every_interface_is_joined_at_the_machines_network_address(listen):
    assert join_address(listen, 8501, "", "192.168.1.23").url == "http://192.168.1.23:8501/"


def test_a_server_on_one_address_is_joined_there_under_its_path():
    assert join_address("10.0.0.5", 8502, "/rowreader/", "192.168.1.23").url == "http://10.0.0.5:8502/rowreader/"
    assert join_address("fe80::1", 8501, None, None).url == "http://[fe80::1]:8501/"
    assert join_address("10.0.0.5", 443, None, None, https=True).url == "https://10.0.0.5:443/"


@pytest.mark.parametrize("listen", ["localhost", "127.0.0.1", "127.0.1.1", "::1"])
def test_a_server_on_localhost_says_students_cannot_reach_it_and_what_to_do(listen):
    address = join_address(listen, 8501, "", "192.168.1.23")
    assert address.url is None
    assert "localhost" in address.problem and "--server.address 0.0.0.0" in address.problem


def test_a_machine_on_no_network_says_so():
    address = join_address(None, 8501, "", None)
    assert address.url is None and "not on a network" in address.problem


def test_the_qr_code_is_a_black_and_white_png_with_its_quiet_zone():
    picture = Image.open(io.BytesIO(qr_png("http://192.168.1.23:8501/", scale=4))).convert("L")
    assert picture.width == picture.height >= 4 * (21 + 8)  # version 1 at least, and four modules of white around
    assert set(np.unique(np.asarray(picture))) == {0, 255}
    assert picture.getpixel((0, 0)) == 255 and picture.getpixel((16, 16)) == 0  # the quiet zone, then a finder pattern


@pytest.mark.parametrize(("cores", "kept"), [(1, 1), (2, 2), (4, 3), (16, 15)])
def test_about_says_how_many_cores_training_uses_as_it_does(cores, kept):
    assert training_cores(cores) == kept
    sentence = cores_sentence(cores)
    assert ("leaves one" in sentence) == (kept < cores)
    assert "every core but one" not in sentence
