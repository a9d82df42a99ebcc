"""shaderflow-farm batch: one DepthFlow video per picture with its depth map, each equal to one plain
pipeline with the same picture, depth map and uniforms; a broken picture and a missing depth map fail
their own jobs with clear messages while the others finish (exit status 1); --params gives one video
per uniform set."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import farm_env  # noqa: E402
import video_check  # noqa: E402

FPS = 30
SECONDS = 1
PSNR_FLOOR = 35.0
# videotestsrc patterns, drawn small and scaled up smoothly, standing in for photos and depth maps:
# (pattern, drawn at WxH). Photo-like smoothness keeps 4:2:0 chroma from dominating the comparison.
PHOTOS = {"garden": ("colors", 16, 9), "street": ("pinwheel", 40, 24), "beach": ("ball", 40, 24)}
DEPTHS = {"garden": ("gradient", 40, 24), "street": ("circular", 40, 24), "beach": ("ball", 40, 24)}


class FarmBatch(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.TemporaryDirectory(prefix="farm-batch-")
        self.inputs = os.path.join(self.folder.name, "photos")
        self.depths = os.path.join(self.folder.name, "depths")
        self.out = os.path.join(self.folder.name, "videos")
        os.makedirs(self.inputs)
        os.makedirs(self.depths)
        for name in PHOTOS:
            farm_env.make_picture(os.path.join(self.inputs, name + ".png"), *PHOTOS[name])
            farm_env.make_picture(os.path.join(self.depths, name + ".png"), *DEPTHS[name], gray=True)

    def tearDown(self):
        self.folder.cleanup()

    def batch(self, *extra):
        return farm_env.run_farm("batch", "--scene", "depthflow", "--duration", str(SECONDS), "--fps", str(FPS),
                                 "--size", "320x180", "--workers", "2", *extra, "-o", self.out)

    def check_video(self, path, uniforms=None, **channels):
        frames = SECONDS * FPS
        problems = video_check.timestamp_problems(video_check.probe_frames(path), frames, FPS, 1, [0])
        self.assertEqual(problems, [], f"{path}: {problems}")
        props = {"scene": "depthflow", **channels}
        if uniforms:
            props["uniforms"] = uniforms
        rows = video_check.compare(path, video_check.reference_frames(320, 180, FPS, 1, frames, SECONDS * 10**9,
                                                                      **props))
        # One pipeline from frame 0 (no joints), and DepthFlow moves too little from frame to frame for
        # the neighbour test: the PSNR floor alone.
        self.assertEqual(video_check.quality_problems(rows, PSNR_FLOOR, neighbours=False), [], path)
        return min(r[1] for r in rows)

    def test_three_pictures_with_depth_maps(self):
        done = self.batch("--inputs", self.inputs, "--depths", self.depths, "--uniforms", "u,preset=circle")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(sorted(os.listdir(self.out)), ["beach.mp4", "garden.mp4", "street.mp4"])
        for name in PHOTOS:
            worst = self.check_video(os.path.join(self.out, name + ".mp4"), uniforms="u,preset=circle",
                                     channel0=os.path.join(self.inputs, name + ".png"),
                                     channel1=os.path.join(self.depths, name + ".png"))
            print(f"{name}: worst {worst:.1f} dB", file=sys.stderr)

    def test_broken_and_missing_pictures_fail_alone(self):
        with open(os.path.join(self.inputs, "broken.png"), "wb") as out:
            out.write(b"\x89PNG\r\n\x1a\n this is not really a picture")
        with open(os.path.join(self.depths, "broken.png"), "wb") as out:
            out.write(b"also not a picture")
        farm_env.make_picture(os.path.join(self.inputs, "lonely.png"), "ball", 40, 24)  # no depth map for it
        done = self.batch("--inputs", self.inputs, "--depths", self.depths)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertRegex(done.stderr, r"broken: FAILED \(tcp://[^)]+\): cannot decode picture '"
                         + os.path.join(self.inputs, "broken.png") + "'")
        self.assertIn(f"lonely: FAILED (client): no depth map lonely.* in {self.depths}", done.stderr)
        self.assertIn(f"batch: 3 of 5 video(s) written to {self.out}; 2 failed: ", done.stderr)
        self.assertEqual(sorted(os.listdir(self.out)), ["beach.mp4", "garden.mp4", "street.mp4"])  # no partials
        self.check_video(os.path.join(self.out, "street.mp4"), channel0=os.path.join(self.inputs, "street.png"),
                         channel1=os.path.join(self.depths, "street.png"))

    def test_one_video_per_uniform_set(self):
        params = os.path.join(self.folder.name, "sweep.txt")
        with open(params, "w") as out:
            out.write("# a sweep of presets\npreset=zoom-in,intensity=0.5\n\nu,preset=orbital\n")
        picture = os.path.join(self.folder.name, "one")
        os.makedirs(picture)
        os.rename(os.path.join(self.inputs, "garden.png"), os.path.join(picture, "garden.png"))
        done = self.batch("--inputs", picture, "--params", params, "--uniforms", "u,height=0.3")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(sorted(os.listdir(self.out)), ["garden-0002.mp4", "garden-0004.mp4"])
        photo = os.path.join(picture, "garden.png")
        self.check_video(os.path.join(self.out, "garden-0002.mp4"), "u,height=0.3,preset=zoom-in,intensity=0.5",
                         channel0=photo)
        self.check_video(os.path.join(self.out, "garden-0004.mp4"), "u,height=0.3,preset=orbital", channel0=photo)


if __name__ == "__main__":
    farm_env.main(sys.modules[__name__])
