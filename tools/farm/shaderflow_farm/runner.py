"""Jobs onto the cluster and results back: a bounded number in flight (a batch of 10,000 pictures never
sits in the scheduler's memory at once), progress from the workers' events, and each job's result or
error. A worker lost mid-job is Dask's to handle: the scheduler gives the job to another worker (up
to distributed.scheduler.allowed-failures times); Progress notices the new attempt and says so."""
import uuid

from . import FarmError
from .cluster import RESOURCE
from .jobs import run_job


def ship_by_value():
    """Workers run this package's code without having it installed: cloudpickle sends it with each task.
    Dask picks cloudpickle over plain pickle (which would send a reference to the module) only for a
    function whose own module is registered, hence the worker-side modules one by one."""
    import cloudpickle

    from . import jobs, pipeline, timeline

    for module in (jobs, pipeline, timeline):
        cloudpickle.register_pickle_by_value(module)


class Runner:
    def __init__(self, client, progress, stop_on_error, in_flight, on_result):
        self.client = client
        self.progress = progress
        self.stop_on_error = stop_on_error
        self.in_flight = max(1, in_flight)
        self.on_result = on_result  # called with each result as it arrives; may drop its "data"
        self.topic = f"shaderflow-farm-{uuid.uuid4().hex[:12]}"
        self.results = {}
        ship_by_value()

    def run(self, jobs, load_files):
        """load_files(job) -> {key: bytes or a scattered future}; raises FarmError for that job alone.
        Returns {job id: result}; a failed job's result has "error"."""
        from distributed import as_completed

        self.client.subscribe_topic(self.topic, self.progress.event)
        pending = iter(jobs)
        running = as_completed()
        owners = {}
        self.stopped = False
        try:
            for _ in range(self.in_flight):
                self._submit_next(pending, load_files, running, owners)
            for future in running:
                if self.stopped:
                    break
                result = self._result(future, owners.pop(future.key))
                self._record(result)
                if not self.stopped:
                    self._submit_next(pending, load_files, running, owners)
        finally:
            for future in list(running.futures):
                future.cancel()
            self.client.unsubscribe_topic(self.topic)
        return self.results

    def _record(self, result):
        self.on_result(result)
        self.results[result["id"]] = result
        if "error" in result:
            self.progress.failed(result["id"])
            self.stopped = self.stop_on_error
        else:
            self.progress.finished(result["id"], result["frames"])

    def _submit_next(self, pending, load_files, running, owners):
        """Submits the next job whose files load (the others fail here, on the client)."""
        for job in pending:
            try:
                files = load_files(job)
            except FarmError as error:
                self._record({"id": job["id"], "error": str(error), "worker": "client"})
                if self.stopped:
                    return
                continue
            future = self.client.submit(run_job, job, files, self.topic, key=f"{self.topic}-job-{job['id']}",
                                        resources={RESOURCE: 1}, pure=False)
            owners[future.key] = job
            running.add(future)
            return

    def _result(self, future, job):
        from distributed.scheduler import KilledWorker

        try:
            return future.result()
        except KilledWorker:
            return {"id": job["id"], "worker": "several",
                    "error": "every worker that took it died (the renderer or driver crashes on this job)"}
        except Exception as error:  # noqa: BLE001  (the task itself broke: a missing module on the worker...)
            return {"id": job["id"], "worker": "?", "error": f"{type(error).__name__}: {error}"}
