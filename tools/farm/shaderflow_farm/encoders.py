"""--encoder: a short name for a common H.264 encoder, or any GStreamer encoder description that makes
H.264. Every preset has a key frame at least every 2 s; each job also starts with one (a new encoder),
which is what lets shards join without re-encoding."""

# name: (element description, raw format it takes from shaderflowsrc)
PRESETS = {
    # Constant quality (CRF 18: visually lossless), the speed of a render farm's last step.
    "x264": ("x264enc speed-preset=veryfast pass=qual quantizer=18 key-int-max={gop}", "I420"),
    "nvh264": ("nvh264enc gop-size={gop}", "NV12"),
    "vah264": ("vah264enc key-int-max={gop}", "NV12"),
    "openh264": ("openh264enc gop-size={gop}", "I420"),
}


def encoder(name, fps):
    """(description, raw format) for the job; a description other than a preset name is used as given
    (e.g. "x264enc bitrate=8000 key-int-max=60"), fed I420."""
    n, d = fps
    gop = max(1, round(2 * n / d))
    if name in PRESETS:
        description, raw_format = PRESETS[name]
        return description.format(gop=gop), raw_format
    return name, "I420"
