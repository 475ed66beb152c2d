"""The one place that speaks to a particular backend: which device trains, and how it is set up.

Everything else uses the backend-neutral Keras API.
"""

import os


def prepare_environment() -> None:
    """Settings that must be in place before Keras imports its backend."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter hides the progress bar
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")  # JAX: grow GPU memory as needed


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


def device_label(device: dict) -> str:
    if device.get("kind") == "GPU":
        count = device.get("count", 1)
        return f"{device['name']}" + (f" x{count}" if count > 1 else "")
    return f"CPU ({device.get('threads', '?')} threads)"
