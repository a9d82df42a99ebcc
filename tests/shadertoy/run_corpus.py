#!/usr/bin/env python3
"""Runs a folder of public Shadertoy shaders through shaderflowsrc and reports what fails, and why.

The shaders themselves are third-party code and never enter this repository: the folder is given on
the command line (see docs of issue 15: /work/corpus/shadertoy with single/ and multipass/).

  tests/shadertoy/run_corpus.py FOLDER [--build build] [--size 96x54] [--frames 2] [--timeout 30]

Every .frag/.glsl file is a single-pass shader (Shadertoy's Image tab); every .json file is a Shadertoy
export or API answer ({"Shader": {...}}, a bare {"renderpass": [...]} or an array of those).

1. Each pass is checked by glslangValidator inside a wrapper like Shadertoy's own (WebGL 2: #version
   300 es, precision, the uniforms, the channels with the sampler type of their input, Common prepended,
   main() calling mainImage()). A shader glslang refuses would not run on Shadertoy either: it is
   counted apart and not held against shaderflow.
2. The ones glslang accepts are rendered by gst-launch-1.0 shaderflowsrc (a few frames, small size,
   with a timeout). File inputs of JSON exports get generated placeholders under the names the export
   asks for, in a copy of the JSON's folder: a picture for a texture, six faces (NAME, NAME_1 .. NAME_5)
   for a cubemap, a Shadertoy volume (.bin) for a volume, a short clip for a video. A .frag gets the same
   placeholders through the channelN properties for the inputs its MANIFEST.tsv line lists (cubemap:,
   volume:, keyboard; webcam and music, which shaderflow does not provide, are named so and sample black).
3. Failures are printed grouped by class, each with the shader and the first line of the reason.

A MANIFEST.tsv in the folder (columns: file, repository, path, kind, inputs) may give each .frag the
inputs its Shadertoy original had ("0:texture 1:cubemap"), so the wrapper declares the right samplers
and failures due to input types shaderflow does not provide yet are named as such.
Exit status: 0 when every shader glslang accepts renders, 1 otherwise.
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SAMPLER_OF_INPUT = {"cubemap": "samplerCube", "volume": "sampler3D"}
# Inputs Shadertoy offers that shaderflow does not provide: they sample black, with a warning.
UNPROVIDED_INPUTS = {"webcam", "music", "musicstream", "mic"}


def shadertoy_wrapper(common, code, samplers):
    """A fragment shader the way Shadertoy (WebGL 2) assembles an image or buffer pass."""
    channels = "".join("uniform %s iChannel%d;\n" % (samplers.get(i, "sampler2D"), i) for i in range(4))
    return ("#version 300 es\n"
            "#ifdef GL_ES\nprecision highp float;\nprecision highp int;\nprecision mediump sampler3D;\n#endif\n"
            "#define HW_PERFORMANCE 1\n"
            "uniform vec3 iResolution;\nuniform float iTime;\nuniform float iChannelTime[4];\n"
            "uniform vec4 iMouse;\nuniform vec4 iDate;\nuniform float iSampleRate;\n"
            "uniform vec3 iChannelResolution[4];\nuniform int iFrame;\nuniform float iTimeDelta;\n"
            "uniform float iFrameRate;\n" + channels +
            common + "\n" + code + "\n"
            "out vec4 shadertoy_out_color;\n"
            "void main(void) {\n  vec4 color = vec4(0.0, 0.0, 0.0, 1.0);\n"
            "  mainImage(color, gl_FragCoord.xy);\n  shadertoy_out_color = color;\n}\n")


class Shader:
    def __init__(self, path, root):
        self.path = path
        self.name = os.path.relpath(path, root)
        self.passes = []      # (label, code, {channel: sampler type})
        self.common = ""
        self.inputs = set()   # Shadertoy input types used by any pass
        self.textures = []    # (input type, file name) of file inputs (JSON only)
        self.channels = {}    # .frag: {channel: input type} from MANIFEST.tsv
        self.load_error = None
        self.byte_order_mark = False


def read_manifest(root):
    inputs = {}
    manifest = os.path.join(root, "MANIFEST.tsv")
    if os.path.exists(manifest):
        with open(manifest, encoding="utf-8") as f:
            for line in f.read().splitlines()[1:]:
                cols = line.split("\t")
                if len(cols) >= 5:
                    inputs[os.path.normpath(os.path.join(root, cols[0]))] = cols[4].split()
    return inputs


def channel_types(items):
    """{channel: input type} from "0:texture 1:cubemap" words or JSON input objects."""
    types = {}
    for item in items:
        if isinstance(item, str):
            channel, _, kind = item.partition(":")
        else:
            channel, kind = item.get("channel"), item.get("type") or item.get("ctype")
        try:
            types[int(channel)] = str(kind)
        except (TypeError, ValueError):
            pass
    return types


def load(path, root, manifest):
    shader = Shader(path, root)
    raw = open(path, "rb").read()
    shader.byte_order_mark = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8", errors="replace")
    if not path.endswith(".json"):
        types = channel_types(manifest.get(os.path.normpath(path), []))
        shader.inputs = set(types.values())
        shader.channels = types
        # Shadertoy's editor never stores a byte-order mark; one in a file is removed before the check
        # (what shaderflow does with it is what the render step finds out).
        shader.passes.append(("image", text.lstrip("\ufeff"),
                              {c: SAMPLER_OF_INPUT.get(t, "sampler2D") for c, t in types.items()}))
        return shader
    try:
        doc = json.loads(text)
        if isinstance(doc, list):
            doc = doc[0]
        doc = doc.get("Shader", doc)
        for rp in doc["renderpass"]:
            kind = rp.get("type")
            if kind == "common":
                shader.common = rp.get("code", "")
                continue
            types = channel_types(rp.get("inputs") or [])
            shader.inputs |= set(types.values())
            for item in rp.get("inputs") or []:
                kind = item.get("type") or item.get("ctype")
                if kind in ("texture", "cubemap", "volume", "video"):
                    src = item.get("src") or item.get("filepath") or ""
                    shader.textures.append((kind, os.path.basename(src)))
            if kind in ("image", "buffer"):
                shader.passes.append((rp.get("name") or kind, rp.get("code", ""),
                                      {c: SAMPLER_OF_INPUT.get(t, "sampler2D") for c, t in types.items()}))
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        shader.load_error = "not a Shadertoy export: %s" % error
    return shader


def glslang_check(shader, workdir):
    """None when every pass is accepted, else the first error."""
    for label, code, samplers in shader.passes:
        source = os.path.join(workdir, "pass.frag")
        with open(source, "w", encoding="utf-8") as f:
            f.write(shadertoy_wrapper(shader.common, code, samplers))
        result = subprocess.run(["glslangValidator", "-S", "frag", source], capture_output=True, text=True)
        if result.returncode != 0:
            errors = [l for l in result.stdout.splitlines() if l.startswith("ERROR:")]
            return "%s: %s" % (label, errors[0] if errors else result.stdout.strip()[:200])
    return None


def png(path, width=64, height=64):
    """A small noise-like RGBA picture: what a missing Shadertoy texture is replaced with."""
    rows = b"".join(b"\0" + bytes((x * 37 + y * 91 + c * 53) % 256 for x in range(width) for c in range(4))
                    for y in range(height))
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def volume(path, size=32):
    """A Shadertoy volume (grey noise-like bytes), as its 3D noise textures are."""
    voxels = bytes((x * 37 + y * 91 + z * 53) % 256 for z in range(size) for y in range(size) for x in range(size))
    with open(path, "wb") as f:
        f.write(b"BIN\0" + struct.pack("<IIIBBH", size, size, size, 1, 0, 0) + voxels)


def clip(path, env):
    """A two-second video; the container is found by its content whatever the name says."""
    subprocess.run(["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=20", "pattern=ball", "!",
                    "video/x-raw,width=64,height=48,framerate=10/1", "!", "x264enc", "!", "mp4mux", "!",
                    "filesink", "location=" + path], check=True, env=env, capture_output=True)


def placeholder(kind, path, env):
    """A stand-in for the media a Shadertoy input names."""
    if kind == "cubemap":
        stem, ext = os.path.splitext(path)
        for face in range(6):
            png(stem + ("_%d" % face if face else "") + ext, 32, 32)
    elif kind == "volume":
        volume(path)
    elif kind == "video":
        clip(path, env)
    else:
        png(path)


def channel_properties(shader, workdir, env):
    """channelN=... for a .frag's inputs as its MANIFEST line lists them."""
    props = []
    for channel, kind in sorted(shader.channels.items()):
        if kind in ("texture", "cubemap", "volume", "video"):
            path = os.path.join(workdir, "channel%d.%s" % (channel, {"volume": "bin", "video": "mp4"}.get(kind, "png")))
            if kind == "cubemap":
                png(path, 128, 96)  # one picture: a 4:3 cross of 32x32 faces
            else:
                placeholder(kind, path, env)
            props.append("channel%d=%s%s" % (channel, {"cubemap": "cubemap:", "volume": "volume:"}.get(kind, ""), path))
        elif kind in ("keyboard", "webcam", "mic", "music", "musicstream"):
            props.append("channel%d=%s" % (channel, kind))
    return props


def render(shader, workdir, args):
    """None when the frames came out, else the element's error text (or the reason it gave none)."""
    scene = shader.path
    props = []
    if shader.path.endswith(".json"):
        scene = os.path.join(workdir, os.path.basename(shader.path))
        shutil.copy(shader.path, scene)
        for kind, name in shader.textures:
            if name:
                placeholder(kind, os.path.join(workdir, name), args.env)
    else:
        props = channel_properties(shader, workdir, args.env)
    width, height = args.size.split("x")
    sink = "fakesink"
    if args.frames_dir:
        out = os.path.join(args.frames_dir, re.sub(r"[^\w.-]", "_", shader.name) + ".png")
        sink = "videoconvert ! pngenc snapshot=true ! filesink location=%s" % out
    command = ("shaderflowsrc scene=%s %snum-buffers=%d ! video/x-raw,format=RGBA,width=%s,height=%s ! %s"
               % (scene, "".join(p + " " for p in props), args.frames, width, height, sink))
    try:
        result = subprocess.run(["gst-launch-1.0", "-q"] + command.split(" "), capture_output=True, text=True,
                                timeout=args.timeout, env=args.env)
    except subprocess.TimeoutExpired:
        return "timeout: no EOS after %d s" % args.timeout
    if result.returncode == 0:
        return None
    text = result.stdout + result.stderr
    match = re.search(r"ERROR: from element \S+: (.*?)(?:\nAdditional debug info|\Z)", text, re.S)
    return (match.group(1) if match else text.strip()[:400]).strip()


# Failure classes: the first pattern that matches the reason names the class.
CLASSES = [
    ("1 ES 3.00 code compiled as GLSL 3.30 ('packed' reserved, ES built-ins missing)",
     r"PACKED_TOK|\bpacked\b.*reserved|(un)?pack(Snorm|Unorm|Half)(2x16|4x8)"),
    ("2 entry point decided by reading text (macros, #ifdef, both main and mainImage)",
     r"defines neither mainImage|shaderflow_user_main|lacks .main|function .main. .*(defined|body)|"
     r"redefinition of .main|multiple definitions? of .main"),
    ("3 cubemap/volume input declared sampler2D", None),
    ("5 UTF-8 byte-order mark", None),
    ("timeout", r"^timeout"),
]


def classify(shader, reason):
    """The failure class of a shader that glslang accepts and shaderflow did not render."""
    if shader.byte_order_mark:
        return CLASSES[3][0]
    sampled = {t for t in shader.inputs if t in ("cubemap", "volume")}
    if sampled and re.search(r"no matching|texture|sampler", reason, re.I):
        return CLASSES[2][0]
    for name, pattern in CLASSES:
        if pattern and re.search(pattern, reason, re.I | re.M):
            return name
    return "other"


def first_line(text):
    for line in text.splitlines():
        if re.search(r"error|ERROR", line) and not re.match(r"GLSL (compile|link) error in", line):
            return line.strip()[:240]
    return text.strip().splitlines()[0][:240] if text.strip() else "(no message)"


def run_one(shader, args):
    with tempfile.TemporaryDirectory(prefix="shadertoy-corpus-") as workdir:
        if shader.load_error:
            return "unreadable", shader.load_error
        refused = glslang_check(shader, workdir)
        reason = render(shader, workdir, args)
        if refused:
            # Not held against shaderflow; rendering it anyway shows where we are more lenient.
            return ("refused-rendered" if reason is None else "refused"), refused
        return ("rendered", None) if reason is None else ("failed", reason)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder")
    parser.add_argument("--build", default=os.path.join(os.path.dirname(__file__), "..", "..", "build"),
                        help="meson build dir whose gst/ holds the plugin (default: build)")
    parser.add_argument("--size", default="96x54")
    parser.add_argument("--frames", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--frames-dir", help="write the last frame of each rendered shader there as PNG")
    parser.add_argument("--verbose", action="store_true", help="print every failure's full reason")
    args = parser.parse_args()
    if not shutil.which("glslangValidator"):
        sys.exit("glslangValidator not found (Debian: glslang-tools)")
    args.env = dict(os.environ, GST_PLUGIN_PATH=os.path.abspath(os.path.join(args.build, "gst")),
                    GST_REGISTRY=os.path.join(tempfile.gettempdir(), "shadertoy-corpus-registry.bin"))
    if args.frames_dir:
        os.makedirs(args.frames_dir, exist_ok=True)
    root = os.path.abspath(args.folder)
    manifest = read_manifest(root)
    paths = sorted(os.path.join(d, f) for d, _, files in os.walk(root) for f in files
                   if f.endswith((".frag", ".glsl", ".json")))
    shaders = [load(p, root, manifest) for p in paths]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        outcomes = list(pool.map(lambda s: run_one(s, args), shaders))

    kinds = {"single": [], "multipass": []}
    for shader, outcome in zip(shaders, outcomes):
        kinds["multipass" if shader.path.endswith(".json") else "single"].append((shader, outcome))
    failed = []
    for kind, items in kinds.items():
        if not items:
            continue
        count = lambda state: sum(1 for _, (s, _) in items if s == state)
        accepted = count("rendered") + count("failed")
        refused = count("refused") + count("refused-rendered")
        print("%-9s %3d shaders: glslang accepts %d (refuses %d, unreadable %d); rendered %d of %d, failed %d"
              % (kind, len(items), accepted, refused, count("unreadable"), count("rendered"), accepted,
                 count("failed")))
        if count("refused-rendered"):
            print("          of those glslang refuses, shaderflow renders %d anyway" % count("refused-rendered"))
        black = [s for s, (state, _) in items if state == "rendered" and s.inputs & UNPROVIDED_INPUTS]
        if black:
            print("          of the rendered, %d use inputs shaderflow does not provide yet (sampled black): %s"
                  % (len(black), ", ".join(sorted({t for s in black for t in s.inputs & UNPROVIDED_INPUTS}))))
        failed += [(s, r) for s, (state, r) in items if state == "failed"]

    groups = {}
    for shader, reason in failed:
        groups.setdefault(classify(shader, reason), []).append((shader, reason))
    for name in sorted(groups):
        print("\n[%s] %d" % (name, len(groups[name])))
        for shader, reason in groups[name]:
            extra = sorted(shader.inputs & UNPROVIDED_INPUTS)
            print("  %s%s: %s" % (shader.name, " (inputs: %s)" % ",".join(extra) if extra else "",
                                  reason if args.verbose else first_line(reason)))
    refused = [(s, r, state) for s, (state, r) in zip(shaders, outcomes) if state.startswith("refused")]
    if refused:
        print("\n[refused by glslang in the Shadertoy wrapper: not counted against shaderflow] %d" % len(refused))
        for shader, reason, state in refused:
            print("  %s%s: %s" % (shader.name, " (shaderflow renders it)" if state == "refused-rendered" else "",
                                  reason[:200]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
