"""The one place that speaks to a particular backend: which device trains, and how it is set up.

Everything else uses the backend-neutral Keras API.
"""

import contextlib
import os

from i18n import _

BESIDE_SERVER = "ROW_READER_BESIDE_SERVER"  # set by the run manager for the runs it starts beside the app's server
THREAD_VARIABLES = ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")
NICENESS = 10  # a lower priority, so that the server wins whenever both want a core
# On two cores, leaving one to the server halves training (a lesson run: 131 s instead of 69 s) while the server
# mostly waits; the lower priority alone kept 30 students' strokes as quick (bench/bench_class_load.py, README).
CORES_KEPT_WHOLE = 2


def prepare_environment() -> None:
    """Settings that must be in place before Keras imports its backend."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter hides the progress bar
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")  # JAX: grow GPU memory as needed
    os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")  # TensorFlow: the same, in the app's server as in training
    if os.environ.get(BESIDE_SERVER) == "1":
        leave_a_core()


def beside_server_environment() -> dict[str, str]:
    """What the run manager adds to a training process's environment: train, but leave the web server a core."""
    return {BESIDE_SERVER: "1"}


def training_cores(cores: int) -> int:
    """How many of a machine's `cores` a run started beside the server trains on (leave_a_core)."""
    return cores - 1 if cores > CORES_KEPT_WHOLE else max(cores, 1)


def usable_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def leave_a_core() -> None:
    """Train on every core but one (on more than two), at a lower priority, so that students' drawings stay quick.

    Called before Keras is imported: TensorFlow, JAX and torch size their
    thread pools from the cores the process may run on, so narrowing the
    process's CPU affinity narrows them all; the thread-count variables say the
    same to the libraries that read those instead. On two cores or one, only
    the priority drops (CORES_KEPT_WHOLE).
    """
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_setaffinity") else []  # Linux; elsewhere, priority only
    kept = training_cores(len(cores))
    if kept < len(cores):
        os.sched_setaffinity(0, cores[:kept])
        for name in THREAD_VARIABLES:
            os.environ.setdefault(name, str(kept))
    os.nice(NICENESS)


def gpu_names() -> list[str]:
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        for gpu in gpus:
            try:
                tf.config.experimental.set_memory_growth(gpu, True)
            except RuntimeError:  # already initialised: growth can no longer change
                pass
        return [tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name) for gpu in gpus]
    if backend == "jax":
        import jax

        return [device.device_kind for device in jax.devices() if device.platform == "gpu"]
    if backend == "torch":
        import torch

        return [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    return []


def describe_device() -> dict:
    """What will train: {"kind": "GPU", "name": ..., "count": n} or {"kind": "CPU", "threads": n}."""
    import keras

    names = gpu_names()
    backend = keras.backend.backend()
    if names:
        return {"kind": "GPU", "name": names[0], "count": len(names), "backend": backend}
    return {"kind": "CPU", "name": "CPU", "threads": len(os.sched_getaffinity(0)), "backend": backend}


def distribution_scope(device: dict) -> contextlib.AbstractContextManager:
    """What building, compiling and fitting run under: with several GPUs, the backend's own data parallelism.

    Each batch is split across the GPUs and their gradients combined into one
    step, so the batch size and the step count stay what the configuration says.
    One GPU or the CPU needs nothing.
    """
    if device.get("kind") != "GPU" or device.get("count", 1) < 2:
        return contextlib.nullcontext()
    backend = device.get("backend")
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.distribute.MirroredStrategy().scope()  # all visible GPUs
    if backend == "jax":
        import keras

        return keras.distribution.DataParallel().scope()  # all devices; set_distribution while inside
    return contextlib.nullcontext()  # torch: one GPU


def device_label(device: dict) -> str:
    if device.get("kind") == "GPU":
        count = device.get("count", 1)
        return f"{device['name']}" + (f" x{count}" if count > 1 else "")
    if device.get("kind") == "CPU":
        return _("CPU ({threads} threads)").format(threads=device.get("threads", "?"))
    return str(device.get("name", _("unknown device")))


if __name__ == "__main__":  # `python -m training.devices`: the device as JSON, for a process that keeps Keras out
    import json

    prepare_environment()
    print(json.dumps(describe_device()))
