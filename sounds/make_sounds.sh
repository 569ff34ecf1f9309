#!/usr/bin/env bash
# Regenerate every WAV cue used by Backbeat.
#
# Usage:  bash sounds/make_sounds.sh      (from any directory)
# Needs:  espeak-ng, sox
#
# Output format for every file: 44100 Hz, mono, signed 16-bit PCM WAV.
# Every sound starts at sample 0 (no leading silence) and ends with a short
# fade. Peaks: voices -3 dBFS, tones -6 dBFS (tick -12, pause tone -10).
# The output is deterministic: no dither (-D) and no random sources.
set -euo pipefail

OUT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

for cmd in sox espeak-ng; do
    if ! command -v "$cmd" >/dev/null 2>&1; then
        echo "error: '$cmd' not found (install with: apt-get install espeak-ng sox)" >&2
        exit 1
    fi
done

TMP_DIR="$(mktemp -d)"
trap 'rm -rf "$TMP_DIR"' EXIT

RATE=44100
FMT=(-r "$RATE" -c 1 -b 16 -e signed-integer)
VOICE="en-us"
SPEED=170
TRIM_START=(silence 1 0.001 0.5%)            # drop leading silence
TRIM_END=(reverse silence 1 0.01 1% reverse)  # drop trailing silence

# tone NAME PEAK_DB -- sox synth effect chain...
# Synthesises into a temp file, trims any leading silence, normalises.
tone() {
    local name="$1" peak="$2"
    shift 3 # name, peak, "--"
    local tmp="$TMP_DIR/$name.raw.wav"
    sox -D -V1 -n "${FMT[@]}" "$tmp" "$@"
    sox -D -V1 "$tmp" "${FMT[@]}" "$OUT_DIR/$name.wav" \
        "${TRIM_START[@]}" norm "$peak"
    echo "  $name.wav"
}

# voice NAME "text"
# espeak-ng -> temp wav (22050 Hz) -> resample, trim both ends, fade, norm.
voice() {
    local name="$1" text="$2"
    local tmp="$TMP_DIR/$name.espeak.wav"
    espeak-ng -v "$VOICE" -s "$SPEED" -w "$tmp" "$text"
    local trimmed="$TMP_DIR/$name.trimmed.wav"
    sox -D -V1 "$tmp" "${FMT[@]}" "$trimmed" \
        rate -v "$RATE" \
        "${TRIM_START[@]}" "${TRIM_END[@]}"
    # Second pass: the length is known now, so the tail fade can be placed.
    sox -D -V1 "$trimmed" "${FMT[@]}" "$OUT_DIR/$name.wav" \
        fade t 0 -0 0.02 \
        norm -3
    echo "  $name.wav"
}

echo "Tones:"
# Metronome tick: short woodblock-like click (1 kHz + 2.4 kHz partial, fast decay).
tone tick -12 -- synth 0.04 sine 1000 synth 0.04 sine mix 2400 \
    fade q 0.001 0.04 0.037
# Start of a lowering (eccentric) phase: plain 660 Hz tone.
tone phase_eccentric -6 -- synth 0.09 sine 660 fade q 0.002 0.09 0.03
# Start of a lifting/pulling (concentric) phase: two-tone upward pluck 880 -> 1320 Hz.
tone phase_concentric -6 -- \
    synth 0.05 sine 880 fade q 0.002 0.05 0.008 : \
    synth 0.07 sine 1320 fade q 0.002 0.07 0.05
# Pause phase: soft low 440 Hz tone.
tone phase_pause -10 -- synth 0.07 sine 440 fade q 0.002 0.07 0.03
# Countdown beeps.
tone beep_short -6 -- synth 0.12 sine 1000 fade q 0.002 0.12 0.02
tone beep_long -6 -- synth 0.7 sine 1000 fade q 0.002 0.7 0.04

echo "Voices:"
voice voice_inhale "inhale"
voice voice_exhale "exhale"
voice voice_brace "brace"
voice voice_hold "hold"
voice voice_switch_sides "switch sides"
voice voice_rest "rest"
voice voice_get_ready "get ready"
voice voice_last_rep "last rep"
voice voice_go "go"
voice voice_left "left side"
voice voice_right "right side"
voice voice_next "next"
voice voice_class_done "class complete, well done"
voice voice_paused "paused"

echo "Counts:"
NUMBERS=(one two three four five six seven eight nine ten
         eleven twelve thirteen fourteen fifteen sixteen seventeen
         eighteen nineteen twenty)
for i in "${!NUMBERS[@]}"; do
    voice "count_$((i + 1))" "${NUMBERS[$i]}"
done

echo "Done: WAVs written to $OUT_DIR"
