"""shaderflow-farm: shaderflow renders on a Dask cluster.

Time-sharded renders (each shard a pipeline that seeks to its first frame and stops at its end, joined
without re-encoding) and batches (one video per picture or per uniform set), each job on any worker
that offers the GPU resource. The worker side (jobs.py, pipeline.py) is shipped to the workers by value
(cloudpickle), so a worker needs GStreamer, python3-gi and the plugin, not this package.
"""


class FarmError(Exception):
    """A failure the user can act on: printed as one message, exit status 1."""
