"""shaderflow-farm against a real cluster of separate processes on loopback (`dask scheduler` plus two
`dask worker`s without this source tree on their Python path): the same frame-exact render, each
worker on its own device setting, and a worker killed mid-shard (SIGKILL) whose shard is rendered
again elsewhere, the result still complete and correct."""
import os
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import farm_env  # noqa: E402
import video_check  # noqa: E402

FPS = 30
PSNR_FLOOR = 35.0


class FarmCluster(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.TemporaryDirectory(prefix="farm-cluster-test-")
        self.out = os.path.join(self.folder.name, "out.mp4")

    def tearDown(self):
        self.folder.cleanup()

    def check_video(self, scene, seconds, joints):
        frames = seconds * FPS
        problems = video_check.timestamp_problems(video_check.probe_frames(self.out), frames, FPS, 1, joints)
        self.assertEqual(problems, [], problems)
        reference = video_check.reference_frames(320, 180, FPS, 1, frames, seconds * 10**9, scene=scene)
        rows = video_check.compare(self.out, reference)
        self.assertEqual(video_check.quality_problems(rows, PSNR_FLOOR), [])
        print(f"{scene}: {len(rows)} frames, worst {min(r[1] for r in rows):.1f} dB", file=sys.stderr)

    def test_render_on_scheduler_and_two_workers(self):
        workers = {"w-software": farm_env.worker_env(device="software"), "w-auto": farm_env.worker_env()}
        with farm_env.LoopbackCluster(workers) as cluster:
            done = farm_env.run_farm("render", "plasma", "--duration", "4", "--fps", str(FPS), "--size", "320x180",
                                     "--shards", "4", "--scheduler", cluster.address, "-o", self.out)
            self.assertEqual(done.returncode, 0, done.stderr + cluster.log_text())
            self.assertIn(f"cluster: {cluster.address}, 2 GPU worker(s)", done.stderr)
            # The summary names each worker with the device its own settings gave it.
            self.assertIn(f"{cluster.worker_address('w-software')} (software: llvmpipe", done.stderr)
            self.assertIn(f"{cluster.worker_address('w-auto')} (auto: ", done.stderr)
        self.check_video("plasma", 4, joints=[0, 30, 60, 90])

    def test_workers_without_gpu_slots_are_refused(self):
        with farm_env.LoopbackCluster({"w-plain": farm_env.worker_env()}, gpu_slots=False) as cluster:
            done = farm_env.run_farm("render", "plasma", "--duration", "1", "--size", "320x180",
                                     "--scheduler", cluster.address, "-o", self.out)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn(f"no worker of {cluster.address} offers the GPU resource", done.stderr)
        self.assertIn("--resources GPU=1", done.stderr)
        self.assertFalse(os.path.exists(self.out))

    def test_worker_killed_mid_shard(self):
        # One core per worker and a heavier scene, so a shard takes seconds: long enough to be caught.
        env = {"LP_NUM_THREADS": "1"}
        workers = {"w-1": farm_env.worker_env(**env), "w-2": farm_env.worker_env(**env)}
        seconds = 20
        with farm_env.LoopbackCluster(workers) as cluster:
            farm = farm_env.start_farm("render", "raymarch", "--duration", str(seconds), "--fps", str(FPS),
                                       "--size", "320x180", "--shards", "4", "--scheduler", cluster.address,
                                       "-o", self.out)
            try:
                victim = self.kill_a_worker_mid_shard(cluster)
                _, log = farm.communicate(timeout=300)
            finally:
                if farm.poll() is None:
                    farm.kill()
            self.assertEqual(farm.returncode, 0, log + cluster.log_text())
            self.assertRegex(log, r"shard \d/4 \(frames \d+-\d+\): restarted on tcp://\S+ \(its attempt on "
                             + victim.replace(".", r"\.") + " did not finish: worker lost\\)")
        self.check_video("raymarch", seconds, joints=[0, 150, 300, 450])

    def kill_a_worker_mid_shard(self, cluster):
        """SIGKILLs a worker that has rendered some but not all frames of a shard; returns its address."""
        from distributed import Client
        with Client(cluster.address, timeout=60) as client:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                latest = {}  # each attempt's last report: older ones may belong to a finished shard
                for topic, events in client.get_events().items():
                    if topic.startswith("shaderflow-farm-"):
                        for _, event in events:
                            latest[(event["job"], event["attempt"])] = event
                for event in latest.values():
                    if 0 < event["done"] < 100:  # shards hold 150 frames
                        name = client.scheduler_info()["workers"][event["worker"]]["name"]
                        cluster.kill(name)
                        print(f"killed {name} ({event['worker']}) at frame {event['done']} of job {event['job']}",
                              file=sys.stderr)
                        return event["worker"]
                time.sleep(0.05)
        self.fail("no shard was seen in progress")


if __name__ == "__main__":
    farm_env.main(sys.modules[__name__])
