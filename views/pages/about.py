"""The About page: what Row Reader is, and how a teacher serves it to a class.

The figures are the ones measured with bench/bench_class_load.py (see README,
"Serving a class"); the address shown is this server's own, so the teacher can
read it out or write it on the board.
"""

import streamlit as st

from classroom.wall import MAX_SHARED
from i18n import N_, _, number
from training.devices import usable_cores
from views.parts import access, join, style
from views.words import cores_sentence

# As README "Serving a class" says, and bench/bench_class_load.py measures: one command, on lines short enough for a phone
# (a wrapped line may break inside a flag such as --server.port, after its first hyphen). Commands are shown as plain
# text: syntax colours on Streamlit's code background are 2.5:1 to 3.5:1, too faint to copy from a projector.
# The example is in the README and on this page for anyone to read: a teacher who copies it has no password at all.
EXAMPLE_PASSWORD_WARNING = N_(
    "**Choose your own password**: *choose-one* is only an example, and anyone can read it here and in the README."
)
SERVE_COMMAND = "MALLOC_ARENA_MAX=2 \\\n  streamlit run app.py \\\n  --server.address 0.0.0.0 \\\n  --server.port 8501"


def what_it_is() -> bool:
    presenter = style.title_with_presenter_switch(_("About Row Reader"), _("What it is, and how a teacher serves it to a class."))
    st.markdown(
        _(
            "Draw a digit and watch a recurrent network read it **one pixel row at a time**, top to bottom. "
            "After every row you see what the network holds in its memory and how sure it is of each digit, "
            "so a class can watch it change its mind. The network is an LSTM trained on MNIST, "
            "the classic set of 70,000 handwritten digits."
        )
    )
    return presenter


def joining() -> None:
    st.header(_("Join the class"))
    join.card()


def serving_a_class() -> None:
    st.header(_("Serving a class"))
    st.markdown(
        _(
            "1. Connect this computer to the classroom network: the same Wi-Fi as the students' devices.\n"
            "2. Set a **training password**, so that only you can start or stop training and change the model "
            "(students can still watch the Train page):"
        )
    )
    secret = _('{name} = "choose-one"    # in .streamlit/secrets.toml').format(name=access.SECRET_NAME)
    st.code(secret, language=None, wrap_lines=True)
    st.markdown("   " + _("or put `{setting}` in front of the command below.").format(setting=f"{access.ENV_VARIABLE}=choose-one"))
    st.markdown(f"   {_(EXAMPLE_PASSWORD_WARNING)}")
    st.markdown(_("3. Start Row Reader so that other devices can reach it:"))
    st.code(SERVE_COMMAND, language=None, wrap_lines=True)
    st.markdown(
        "   "
        + _(
            "`--server.address 0.0.0.0` lets other devices in; `8501` is the port (the computer's firewall must "
            "let it through). `MALLOC_ARENA_MAX=2` keeps the server's memory steady as students come and go."
        )
    )
    st.markdown(_("4. Students open the address under **Join the class** above, or scan its QR code. "
                  "In presenter mode, **Join** at the top of every page shows the same card."))  # fmt: skip
    setting = access.password_setting()
    if setting.problem:
        st.error(setting.problem)
    elif setting.password is None:
        st.warning(_("No training password is set on this server: anyone who opens it can start and stop training."))


def what_it_sends() -> None:
    st.header(_("What it sends over the network"))
    st.markdown(
        _(
            "Nothing leaves the classroom. Each student's browser talks only to this computer: it sends the drawing, "
            "and gets the page and the reading back. The app asks nothing of any other server: no fonts, "
            "no scripts, no usage statistics (turned off in `.streamlit/config.toml`). "
            "Drawings are not stored; a student's page is forgotten a couple of minutes after the tab is closed. "
            "A digit a student shares with the class goes to the **class wall** as its 28 x 28 picture, the network's "
            "answer and an optional nickname, nothing else. The wall lives in this computer's memory only, the latest "
            "{shared} digits and the class's race results, until you clear it or stop the app: none of it is written to disk. "
            "The one exception is training on a computer without the MNIST files: the run then downloads them once "
            "(11 MB) through Keras."
        ).format(shared=number(MAX_SHARED))
    )


def machine_needed() -> None:
    st.header(_("The computer a class needs"))
    st.markdown(
        _(
            "Measured with 30 students drawing at once on a computer with **2 cores** (see the README for the details):\n"
            "- the server answers 95% of the strokes within about **0.4 s**; on a student's screen, with the browser's own "
            "work, the answer typically shows in under a second;\n"
            "- during a training run, within about **1 s** for 95% of them when your own browser runs on the same "
            "computer, and mostly in a quarter of a second: training runs at a lower priority, so drawings come first;\n"
            "- the app uses about **200 MB** of memory, and it does not grow as students come and go; "
            "a training run needs about 1.2 GB more.\n\n"
            "So a laptop with 2 cores and 4 GB of memory holds a class of thirty. More cores make training faster, "
            "not drawing. The students' devices only need a current web browser."
        )
    )
    st.markdown(cores_sentence(usable_cores()))


presenting = what_it_is()
joining()
if not presenting:  # the projector shows the card; setting up is the teacher's, on their own screen
    serving_a_class()
    what_it_sends()
machine_needed()
