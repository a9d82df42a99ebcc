"""The Dask side: a local cluster (one worker process per GPU, each with its own device=) or a running
scheduler, and the check that some worker offers the GPU resource the jobs ask for."""
import contextlib
import logging
import os

from . import FarmError

# Every job asks for one slot of this resource: a worker started with --resources GPU=1 runs one render
# at a time, whatever its thread count.
RESOURCE = "GPU"


def quiet_dask(verbose):
    """Dask logs every worker start and stop at INFO; the farm reports what matters itself."""
    level = "info" if verbose else "error"
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", level)
    logging.getLogger("distributed").setLevel(level.upper())


def start_local(workers, devices):
    """A scheduler on loopback and `workers` worker processes (nannies, so a crashed driver takes one
    worker down and Dask starts it again); worker i renders on devices[i % len(devices)], or auto."""
    from distributed import Nanny, Scheduler, SpecCluster

    specs = {}
    for i in range(workers):
        device = devices[i % len(devices)] if devices else "auto"
        specs[f"gpu-{i}"] = {"cls": Nanny, "options": {
            "nthreads": 1, "resources": {RESOURCE: 1}, "env": {"SHADERFLOW_DEVICE": device},
            "dashboard": False, "host": "127.0.0.1"}}
    # Its HTTP server (health, metrics) on any free port: 8787 may belong to another cluster.
    scheduler = {"cls": Scheduler, "options": {"dashboard": False, "dashboard_address": "127.0.0.1:0", "host": "127.0.0.1"}}
    import dask

    # For this process's whole life, so that a worker the nanny restarts is made the same way. Worker
    # processes forked, not spawned: a spawned one imports Python and Dask again (about 0.3 s of a
    # cluster's start and 0.1 s of its stop on 2 cores); safe here, the client has not loaded GStreamer or
    # a GL driver yet (it joins the shards after the cluster has gone). No statistical profiler in the
    # workers: it samples every thread's Python stack 100 times a second, and a render's work is in C.
    dask.config.set({"distributed.worker.multiprocessing-method": fork_or_spawn(),
                     "distributed.worker.profile.enabled": False})
    try:
        return SpecCluster(workers=specs, scheduler=scheduler, name="shaderflow-farm", silence_logs=False)
    except Exception as error:  # noqa: BLE001  (Dask raises many kinds here; all mean "no cluster")
        raise FarmError(f"cannot start a local Dask cluster: {error}") from None


def fork_or_spawn():
    import multiprocessing

    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def connect(target, timeout=20):
    """A Client for a cluster object or a scheduler address; waits for a worker with the GPU resource."""
    from distributed import Client

    try:
        client = Client(target, timeout=timeout)
    except (OSError, TimeoutError) as error:
        raise FarmError(f"cannot reach the Dask scheduler at {target}: {error}. Start one with "
                        "`dask scheduler` and give its address (tcp://HOST:8786)") from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        client.close()
        raise FarmError(f"the scheduler at {client.scheduler.address} has no worker after {timeout} s: start "
                        "workers with `dask worker SCHEDULER --nthreads 1 --resources GPU=1`") from None
    if not gpu_workers(client):
        address = client.scheduler.address
        client.close()
        raise FarmError(f"no worker of {address} offers the {RESOURCE} resource the jobs need: start workers with "
                        f"`dask worker {address} --nthreads 1 --resources {RESOURCE}=1`")
    return client


def gpu_workers(client):
    workers = client.scheduler_info()["workers"]
    return sorted(address for address, info in workers.items() if info.get("resources", {}).get(RESOURCE, 0) >= 1)


@contextlib.contextmanager
def cluster(scheduler, workers, say):
    """A connected Client: to `scheduler` when given, else to a local cluster of `workers` (default one
    per GPU, at least 1), closed afterwards."""
    local = None
    if scheduler:
        client = connect(scheduler)
        say(f"cluster: {scheduler}, {len(gpu_workers(client))} GPU worker(s)")
    else:
        from .scene import available_devices

        devices = available_devices()
        count = workers or max(1, len(devices))
        local = start_local(count, devices)
        try:
            client = connect(local)
        except BaseException:
            local.close()
            raise
        placed = [devices[i % len(devices)] for i in range(count)] if devices else []
        say(f"cluster: local, {count} worker(s) on " + (", ".join(placed) or "the software renderer (no GPU found)"))
    try:
        yield client
    finally:
        client.close()
        if local is not None:
            local.close()
