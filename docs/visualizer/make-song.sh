#!/bin/sh
# The gallery's music, made by a GStreamer pipeline (no third-party audio): four 2-second chords
# (A, F#m, D, E: sines of three notes, a quieter octave above, a tick every quarter second), one after the
# other through concat, as Opus in Ogg. Usage: make-song.sh OUT.ogg
set -eu
out=${1:?usage: make-song.sh OUT.ogg}
note() {  # FREQUENCY VOLUME MIXER
  echo "audiotestsrc freq=$1 volume=$2 samplesperbuffer=1600 num-buffers=60 ! audio/x-raw,format=F32LE,rate=48000,channels=2 ! $3."
}
chord() {  # MIXER F1 F2 F3
  echo "$(note "$2" 0.16 "$1") $(note "$3" 0.16 "$1") $(note "$4" 0.16 "$1") $(note "$(awk "BEGIN { print $2 * 2 }")" 0.06 "$1")" \
       "audiotestsrc wave=ticks freq=3520 volume=0.35 tick-interval=250000000 samplesperbuffer=1600 num-buffers=60 !" \
       "audio/x-raw,format=F32LE,rate=48000,channels=2 ! $1.  audiomixer name=$1 ! c."
}
# shellcheck disable=SC2046
gst-launch-1.0 -q concat name=c ! audioconvert ! opusenc bitrate=128000 ! oggmux ! filesink location="$out" \
  $(chord a 220.00 277.18 329.63) $(chord fsm 185.00 220.00 277.18) $(chord d 146.83 185.00 220.00) \
  $(chord e 164.81 207.65 246.94)
