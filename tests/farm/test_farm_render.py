"""shaderflow-farm render on a local cluster: a sharded render equals one plain pipeline frame for frame
(exact count, continuous timestamps, a key frame at every joint, >= 35 dB PSNR against the raw frames,
closer to its own frame than to a neighbour); feedback scenes stay whole unless --warmup; a scene error
is one message, exit status 1 and no file left behind."""
import os
import signal
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import farm_env  # noqa: E402
import video_check  # noqa: E402

SIZE = (320, 180)
FPS = 30
PSNR_FLOOR = 35.0


def duration_ns(seconds):
    return int(round(seconds * 1e9))


class FarmRender(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.TemporaryDirectory(prefix="farm-render-")
        self.out = os.path.join(self.folder.name, "out.mp4")

    def tearDown(self):
        self.folder.cleanup()

    def render(self, scene, seconds, *extra):
        done = farm_env.run_farm("render", scene, "--duration", str(seconds), "--fps", str(FPS), "--size",
                                 "%dx%d" % SIZE, *extra, "-o", self.out)
        self.assertEqual(done.returncode, 0, f"shaderflow-farm failed:\n{done.stderr}")
        return done.stderr

    def check_video(self, scene, seconds, joints, floor=PSNR_FLOOR, compare_frames=None):
        frames = round(seconds * FPS)
        problems = video_check.timestamp_problems(video_check.probe_frames(self.out), frames, FPS, 1, joints)
        self.assertEqual(problems, [], f"{self.out}: {problems}")
        reference = video_check.reference_frames(*SIZE, FPS, 1, frames, duration_ns(seconds), scene=scene)
        rows = video_check.compare(self.out, reference)[:compare_frames]
        problems = video_check.quality_problems(rows, floor)
        self.assertEqual(problems, [], f"{self.out}: {problems}")
        print(f"{scene}: {len(rows)} frames compared, worst {min(r[1] for r in rows):.1f} dB", file=sys.stderr)

    def test_plasma_in_4_shards_on_2_workers(self):
        log = self.render("plasma", 4, "--shards", "4", "--workers", "2")
        self.assertIn("in 4 shard(s)", log)
        self.check_video("plasma", 4, joints=[0, 30, 60, 90])

    def test_default_shards_two_per_worker_one_for_a_single_local_worker(self):
        log = self.render("plasma", 1, "--workers", "2")
        self.assertIn("in 4 shard(s)", log)
        self.check_video("plasma", 1, joints=[0, 7, 15, 22])
        log = self.render("plasma", 1, "--workers", "1")
        self.assertIn("in 1 shard(s)", log)
        self.check_video("plasma", 1, joints=[0])

    def test_feedback_scene_renders_as_one_shard(self):
        log = self.render("feedback", 1, "--shards", "4", "--workers", "2")
        self.assertIn("has feedback buffers (pass A reads its previous frame)", log)
        self.assertIn("in 1 shard(s)", log)
        self.check_video("feedback", 1, joints=[0])

    def test_feedback_warmup_splits_approximately(self):
        log = self.render("feedback", 2, "--shards", "2", "--workers", "2", "--warmup", "0.5")
        self.assertIn("approximate split", log)
        self.assertIn("in 2 shard(s)", log)
        # The first shard renders from the start: exact. The second starts 15 frames early from empty
        # buffers, so only its count and timestamps are checked.
        self.check_video("feedback", 2, joints=[0, 30], compare_frames=30)

    def test_scene_error_is_one_message_and_no_file(self):
        scene = os.path.join(self.folder.name, "broken.frag")
        with open(scene, "w") as out:
            out.write("void mainImage(out vec4 c, in vec2 p) {\n  c = vec4(no_such_thing, 1.0);\n}\n")
        done = farm_env.run_farm("render", scene, "--duration", "2", "--size", "320x180", "--shards", "4",
                                 "--workers", "2", "-o", self.out)
        self.assertEqual(done.returncode, 1, done.stderr)
        errors = [line for line in done.stderr.splitlines() if "error:" in line and "shaderflow-farm" in line]
        self.assertEqual(len(errors), 1, done.stderr)
        self.assertIn(f"scene '{scene}' failed", errors[0])
        self.assertIn("GLSL compile error in", done.stderr)
        self.assertIn("broken.frag:2:", done.stderr)  # the user's file and line, not the worker's copy
        self.assertNotIn("Traceback", done.stderr)
        self.assertEqual(os.listdir(self.folder.name), ["broken.frag"], "files left behind")

    def test_indexed_shards_without_dask_then_join(self):
        shards = os.path.join(self.folder.name, "shards")
        os.makedirs(shards)
        args = ["plasma", "--duration", "2", "--fps", str(FPS), "--size", "%dx%d" % SIZE, "--shards", "3"]
        done = farm_env.run_farm("join", shards, "-o", self.out)
        self.assertEqual(done.returncode, 1)
        self.assertIn("no shards in", done.stderr)
        for index in (2, 0):  # in any order, as pods finish
            done = farm_env.run_farm("shard", *args, "--index", str(index), "-o", shards)
            self.assertEqual(done.returncode, 0, done.stderr)
        done = farm_env.run_farm("join", shards, "-o", self.out)
        self.assertEqual(done.returncode, 1)
        self.assertIn("shard 1 of 3 is missing", done.stderr)
        # The index as a Kubernetes Indexed Job gives it to each pod.
        env = dict(os.environ, JOB_COMPLETION_INDEX="1")
        done = farm_env.run_farm("shard", *args, "-o", shards, env=env)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("frames 20-39", done.stderr)
        done = farm_env.run_farm("join", shards, "-o", self.out)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.check_video("plasma", 2, joints=[0, 20, 40])

    def test_stopped_render_leaves_nothing(self):
        farm = farm_env.start_farm("render", "raymarch", "--duration", "60", "--size", "320x180", "--workers", "2",
                                   "-o", self.out)
        try:
            for line in farm.stderr:
                if "progress:" in line:  # shards are rendering, the hidden shard folder exists
                    break
            time.sleep(1)
            farm.send_signal(signal.SIGTERM)
            log = farm.stderr.read()
            self.assertEqual(farm.wait(timeout=60), 130, log)
        finally:
            if farm.poll() is None:
                farm.kill()
                farm.wait()
            farm.stderr.close()
        self.assertIn("interrupted: nothing written", log)
        self.assertEqual(os.listdir(self.folder.name), [], "files left behind")

    def test_bad_arguments_fail_before_any_cluster(self):
        for args, text in ((["plasma", "--duration", "2", "--fps", "0"], "--fps '0' is out of range"),
                           (["plasma", "--duration", "2", "--channel0", "/nonexistent.png"],
                            "picture '/nonexistent.png'"),
                           (["no-such-scene", "--duration", "2"], "scene 'no-such-scene': unknown built-in scene"),
                           (["plasma", "--duration", "-1"], "--duration '-1'")):
            done = farm_env.run_farm("render", *args, "-o", self.out, timeout=60)
            self.assertEqual(done.returncode, 1, f"{args}: {done.stderr}")
            self.assertIn(text, done.stderr, args)
            self.assertNotIn("cluster:", done.stderr, f"{args}: started a cluster first")
        self.assertFalse(os.path.exists(self.out))


if __name__ == "__main__":
    farm_env.main(sys.modules[__name__])
