"""Frames done over all jobs, from the workers' events: a bar redrawn in place on a terminal, a line
every few seconds otherwise (logs of a Kubernetes Job, CI). A job that shows up with a new attempt
was restarted (its worker was lost) and counts from zero again."""
import sys
import threading
import time

LOG_SECONDS = 5.0


def clock(seconds):
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else \
        f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    def __init__(self, frames, labels, stream=sys.stderr):
        self.frames = dict(frames)  # job id -> frames it renders
        self.total = sum(self.frames.values())
        self.labels = labels  # job id -> "shard 2/4", "photo.png"
        self.stream = stream
        self.tty = stream.isatty()
        self.lock = threading.Lock()
        self.attempts = {}  # job id -> (attempt, worker)
        self.done = {}  # job id -> frames done by its current attempt
        self.started = time.monotonic()
        self.shown_at = 0.0
        self.bar_visible = False

    def event(self, event):
        """Dask topic handler: event is (timestamp, message) from jobs.Reporter."""
        message = event[1]
        job = message["job"]
        with self.lock:
            if job not in self.frames:
                return  # failed meanwhile, or another run's
            previous = self.attempts.get(job)
            if previous is None or previous[0] != message["attempt"]:
                if previous is not None:
                    self._say(f"{self.labels[job]}: restarted on {message['worker']} "
                             f"(its attempt on {previous[1]} did not finish: worker lost)")
                self.attempts[job] = (message["attempt"], message["worker"])
            self.done[job] = message["done"]
        self.show()

    def finished(self, job, frames):
        with self.lock:
            self.done[job] = frames
        self.show()

    def failed(self, job):
        """A failed job's frames leave the total: the bar shows what can still be rendered."""
        with self.lock:
            self.total -= self.frames.pop(job, 0)
            self.done.pop(job, None)

    def say(self, text):
        """A line of its own, above the bar."""
        with self.lock:
            self._say(text)

    def _say(self, text):
        if self.bar_visible:
            self.stream.write("\r\033[K")
            self.bar_visible = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def line(self):
        done = min(sum(self.done.values()), self.total)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = done / elapsed
        eta = clock((self.total - done) / rate) if rate > 0 else "?"
        return done, f"{done}/{self.total} frames  {rate:.1f} fps  ETA {eta}"

    def show(self, force=False):
        now = time.monotonic()
        with self.lock:
            if self.tty:
                if not force and now - self.shown_at < 0.1:
                    return
                done, text = self.line()
                width = 30
                filled = width * done // max(self.total, 1)
                self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {text}\033[K")
                self.bar_visible = True
            else:
                if not force and now - self.shown_at < LOG_SECONDS:
                    return
                self.stream.write(f"progress: {self.line()[1]}\n")
            self.stream.flush()
            self.shown_at = now

    def close(self):
        self.show(force=True)
        if self.tty and self.bar_visible:
            self.stream.write("\n")
            self.bar_visible = False
        self.stream.flush()
