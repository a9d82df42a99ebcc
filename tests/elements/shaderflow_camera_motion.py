#!/usr/bin/python3
"""Renders frames 0 and 1 (at 1 fps) of a scene through shaderflowsrc while a GstController moves
ShaderFlow's camera (camera-zoom 1 -> 0.6, camera-x 0 -> 0.3 over the second), as one drags and scrolls
in ShaderFlow's window: scenes that only move with their camera animate so.
Usage: shaderflow_camera_motion.py SCENE OUT.raw WIDTH HEIGHT [PROPERTY=VALUE ...]"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstController", "1.0")
from gi.repository import Gst, GstController  # noqa: E402

Gst.init(None)
scene, out, width, height = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
pipeline = Gst.parse_launch(
    f"shaderflowsrc name=src num-buffers=2 ! video/x-raw,format=RGBA,width={width},height={height},framerate=1/1 "
    f"! filesink name=sink")
src = pipeline.get_by_name("src")
src.set_property("scene", scene)
pipeline.get_by_name("sink").set_property("location", out)
for setting in sys.argv[5:]:
    key, value = setting.split("=", 1)
    Gst.util_set_object_arg(src, key, value)
sources = []
for prop, start, end in (("camera-zoom", 1.0, 0.6), ("camera-x", 0.0, 0.3)):
    control = GstController.InterpolationControlSource()
    control.set_property("mode", GstController.InterpolationMode.LINEAR)
    src.add_control_binding(GstController.DirectControlBinding.new_absolute(src, prop, control))
    control.set(0, start)
    control.set(Gst.SECOND, end)
    sources.append(control)
pipeline.set_state(Gst.State.PLAYING)
message = pipeline.get_bus().timed_pop_filtered(120 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
pipeline.set_state(Gst.State.NULL)
if message is None or message.type == Gst.MessageType.ERROR:
    print("ERROR: " + (message.parse_error()[0].message if message else "timed out"))
    sys.exit(1)
