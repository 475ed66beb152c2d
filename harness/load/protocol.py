"""A student without a browser: Streamlit's own websocket protocol, as the browser speaks it.

The browser opens /_stcore/stream (subprotocol "streamlit"), asks for a script
run with a `rerun_script` BackMsg, and gets ForwardMsgs back: deltas that add
elements, then `script_finished`. Drawing is a rerun whose widget states hold
the canvas's new value (see drawing.py); clearing is a rerun that triggers the
Clear button. Element ids are read from the deltas, as the browser does.
Uploading a picture is what the browser's file uploader does: choose Upload,
ask for an upload URL (`file_urls_request`), PUT the file there with the XSRF
cookie and header, and rerun with the uploader's state naming the file.
Sharing with the class is what a form submit does: one rerun with the form's
widget values (the nickname, and for a drawing the digit meant) together with
the submit button's trigger.

Costs the server what a browser costs it, and the client almost nothing, so
thirty of these fit beside the server on two cores. What it does not time is
the browser's own work: encoding the canvas before sending, and drawing the
answer after it arrives (bench_app.py times those in Chromium).
"""

import asyncio
import re
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlparse

import streamlit  # noqa: F401  (imported first: the protobuf modules need streamlit's config initialised)
import websockets
from google.protobuf.message import Message
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileUploaderState, StringArray, UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

from harness.load.drawing import canvas_value
from views.parts.sharing import MEANT_LABEL, NICKNAME_LABEL, ON_THE_WALL, SHARE_BUTTON  # the Share form, found by its labels

CLEAR_BUTTON = "Clear the canvas"
CANVAS_COMPONENT = "streamlit_drawable_canvas"  # the canvas's component name ends so
SOURCE, UPLOADER = "source", "uploader"  # the Read page's choice of input, and its file uploader
UPLOAD_CHOICE = "Upload"
XSRF_COOKIE = "_streamlit_xsrf"
UPLOAD_CHOSEN = ("string_array_value", StringArray(data=[UPLOAD_CHOICE]))
FINISHED = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
RERUN_TIMEOUT_S = 60.0


class StudentError(RuntimeError):
    """Something a student would see go wrong: an error on the page, no answer, a dropped connection."""


@dataclass
class Rerun:
    """What one script run sent back, and when."""

    prediction: str | None = None  # the Prediction metric's value, if the run showed one
    prediction_s: float | None = None  # from sending the rerun to the Prediction arriving
    finished_s: float | None = None  # from sending the rerun to the end of the run
    received_bytes: int = 0
    widget_ids: dict[str, str] = field(default_factory=dict)  # "canvas", SOURCE, UPLOADER, or a Clear or Share widget's label -> element id
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what the page warned of (not an error of the student)
    notices: list[str] = field(default_factory=list)  # what the page said in a success or info box
    session_id: str | None = None  # the server's id of this tab's session, sent on its first run


def _ids_and_errors(message: ForwardMsg, rerun: Rerun, started: float) -> None:
    element = message.delta.new_element
    kind = element.WhichOneof("type")
    if kind == "metric" and element.metric.label == "Prediction":
        rerun.prediction, rerun.prediction_s = element.metric.body, time.perf_counter() - started
    elif kind == "bidi_component" and element.bidi_component.component_name.endswith(CANVAS_COMPONENT):
        rerun.widget_ids["canvas"] = element.bidi_component.id  # not the page's other components (its width, the players)
    elif kind == "button" and element.button.label in (CLEAR_BUTTON, SHARE_BUTTON):
        rerun.widget_ids[element.button.label] = element.button.id
    elif kind == "button_group" and UPLOAD_CHOICE in [option.content for option in element.button_group.options]:
        rerun.widget_ids[SOURCE] = element.button_group.id
    elif kind == "button_group" and element.button_group.label == MEANT_LABEL:
        rerun.widget_ids[MEANT_LABEL] = element.button_group.id
    elif kind == "text_input" and element.text_input.label == NICKNAME_LABEL:
        rerun.widget_ids[NICKNAME_LABEL] = element.text_input.id
    elif kind == "file_uploader":
        rerun.widget_ids[UPLOADER] = element.file_uploader.id
    elif kind == "exception":
        rerun.errors.append(f"exception on the page: {element.exception.type}: {element.exception.message}")
    elif kind == "alert" and element.alert.format == element.alert.ERROR:
        rerun.errors.append(f"error on the page: {element.alert.body}")
    elif kind == "alert" and element.alert.format == element.alert.WARNING:
        rerun.warnings.append(element.alert.body)
    elif kind == "alert" and element.alert.format in (element.alert.SUCCESS, element.alert.INFO):
        rerun.notices.append(element.alert.body)


@dataclass(frozen=True)
class Shared:
    """What the page said of one share: the digit's number on the wall, and whether it is new there."""

    number: int
    new: bool
    seconds: float  # from pressing Share to the end of the run that answered (the protocol) or its answer on screen


def shared_as_said(said: str, seconds: float) -> Shared:
    """The share the page confirmed in `said` ("Shared: ... number 12 ..." for a new digit, "already" for one it had)."""
    return Shared(number=int(re.search(r"number (\d+)", said).group(1)), new=said.startswith("Shared"), seconds=seconds)


class ProtocolStudent:
    """One browser tab's worth of websocket traffic: open the app, draw, clear, leave."""

    def __init__(self, url: str, device: str | None = None):
        """`device`: the local address to connect from (another 127.x.y.z for the server on 127.0.0.1), where one
        tab should come from a device of its own; by default the machine's own."""
        parsed = urlparse(url)
        self.stream_url = f"ws://{parsed.netloc}/_stcore/stream"
        self.device = device
        self.page_url = url.rstrip("/") + "/"
        self.widget_ids: dict[str, str] = {}
        self.session_id: str | None = None
        self._drawing: str | None = None  # the canvas's value as last sent: a browser sends it again with every rerun
        self._socket = None

    async def connect(self) -> None:
        """The websocket alone, as a tab has it before its first script run."""
        local = {"local_addr": (self.device, 0)} if self.device else {}
        self._socket = await websockets.connect(self.stream_url, subprotocols=["streamlit"], max_size=None, open_timeout=30, **local)

    async def open(self) -> Rerun:
        """Open the app: connect, and run the page as a tab does when it loads."""
        await self.connect()
        return await self._rerun({})

    async def draw(self, digit: str, shift: tuple[float, float], lean: float = 0.0) -> Rerun:
        """Lift the pen after drawing `digit` (slanted by `lean`): the canvas sends its drawing and the page reads it."""
        return await self.send_canvas(canvas_value(digit, shift, lean=lean))

    async def send_canvas(self, value: str, raise_errors: bool = True) -> Rerun:
        """Send `value` as the canvas's widget value (a JSON string), whatever it holds, as a forged one would be."""
        self._drawing = value
        return await self._rerun({self.widget_ids["canvas"]: ("json_value", value)}, raise_errors)

    async def clear(self) -> Rerun:
        self._drawing = None
        return await self._rerun({self.widget_ids[CLEAR_BUTTON]: ("trigger_value", True)})

    async def share(self, nickname: str = "", meant: str | None = None) -> Shared:
        """Press Share with the class under the reading, as a form submit: the form's values and the button's trigger.

        `meant`: the digit chosen under "The digit you meant" (a drawing's form has it). StudentError unless the page
        answers that the digit is on the class wall.
        """
        if SHARE_BUTTON not in self.widget_ids:
            raise StudentError("the page showed no Share with the class button")
        widgets = {self.widget_ids[NICKNAME_LABEL]: ("string_value", nickname), self.widget_ids[SHARE_BUTTON]: ("trigger_value", True)}
        if self._drawing is not None:  # the page reads the drawing again in the run that shares it
            widgets[self.widget_ids["canvas"]] = ("json_value", self._drawing)
        if meant is not None and MEANT_LABEL in self.widget_ids:
            widgets[self.widget_ids[MEANT_LABEL]] = ("string_array_value", StringArray(data=[meant]))
        rerun = await self._rerun(widgets)
        said = next((notice for notice in rerun.notices if ON_THE_WALL in notice), None)
        if said is None:
            raise StudentError(f"sharing did not say the digit is on the class wall (the page said: {rerun.notices or 'nothing'})")
        return shared_as_said(said, rerun.finished_s)

    async def choose_upload(self) -> Rerun:
        """Press Upload above the canvas: the page shows the file uploader."""
        return await self._rerun({self.widget_ids[SOURCE]: UPLOAD_CHOSEN})

    async def upload(self, name: str, data: bytes, raise_errors: bool = True) -> Rerun:
        """Upload a picture as the file uploader does, once Upload is chosen; the rerun that reads it."""
        request = BackMsg()
        request.file_urls_request.request_id = uuid.uuid4().hex
        request.file_urls_request.file_names.append(name)
        request.file_urls_request.session_id = self.session_id
        await self._socket.send(request.SerializeToString())
        urls = await asyncio.wait_for(self._file_urls(request.file_urls_request.request_id), RERUN_TIMEOUT_S)
        await asyncio.to_thread(self._put, urls.upload_url, name, data)
        files = FileUploaderState(uploaded_file_info=[UploadedFileInfo(name=name, size=len(data), file_id=urls.file_id, file_urls=urls)])
        widgets = {self.widget_ids[SOURCE]: UPLOAD_CHOSEN, self.widget_ids[UPLOADER]: ("file_uploader_state_value", files)}
        return await self._rerun(widgets, raise_errors)

    async def _file_urls(self, request_id: str):
        while True:
            message = ForwardMsg()
            message.ParseFromString(await self._socket.recv())
            if message.WhichOneof("type") == "file_urls_response" and message.file_urls_response.response_id == request_id:
                if message.file_urls_response.error_msg:
                    raise StudentError(f"no upload URL: {message.file_urls_response.error_msg}")
                return message.file_urls_response.file_urls[0]

    def _put(self, upload_url: str, name: str, data: bytes) -> None:
        """The multipart PUT the browser sends, with the XSRF token in a cookie and a header as Streamlit checks it."""
        boundary, token = uuid.uuid4().hex, generate_xsrf_token_string()
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                f"Content-Type: image/png\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()  # fmt: skip
        url = upload_url if upload_url.startswith("http") else self.page_url.rstrip("/") + upload_url
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "X-Xsrftoken": token, "Cookie": f"{XSRF_COOKIE}={token}"}
        urllib.request.urlopen(urllib.request.Request(url, data=body, method="PUT", headers=headers), timeout=RERUN_TIMEOUT_S).read()

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
            self._socket = None

    async def _rerun(self, widgets: dict[str, tuple[str, object]], raise_errors: bool = True) -> Rerun:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = ""
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-US"
        state.context_info.url = self.page_url
        for widget_id, (kind, value) in widgets.items():
            widget = state.widget_states.widgets.add(id=widget_id)
            if isinstance(value, Message):  # a choice of options, an uploader's files
                getattr(widget, kind).CopyFrom(value)
            else:
                setattr(widget, kind, value)
        rerun = Rerun()
        started = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        try:
            await asyncio.wait_for(self._receive_run(rerun, started), RERUN_TIMEOUT_S)
        except TimeoutError:
            raise StudentError(f"the page did not finish within {RERUN_TIMEOUT_S:.0f} s") from None
        except websockets.ConnectionClosed as closed:
            raise StudentError(f"the server closed the connection ({closed})") from None
        self.widget_ids.update(rerun.widget_ids)
        self.session_id = rerun.session_id or self.session_id
        if rerun.errors and raise_errors:
            raise StudentError("; ".join(rerun.errors))
        return rerun

    async def _receive_run(self, rerun: Rerun, started: float) -> None:
        while True:
            data = await self._socket.recv()
            rerun.received_bytes += len(data)
            message = ForwardMsg()
            message.ParseFromString(data)
            kind = message.WhichOneof("type")
            if kind == "delta":
                _ids_and_errors(message, rerun, started)
            elif kind == "new_session":
                rerun.session_id = message.new_session.initialize.session_id
            elif kind == "script_finished":
                if message.script_finished == FINISHED:
                    rerun.finished_s = time.perf_counter() - started
                    return
                if message.script_finished != ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN:
                    rerun.errors.append(f"the script ended with {ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)}")
                    return
