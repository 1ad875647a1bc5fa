"""wav_check.py: facts about a WAV file for the e2e tests, as one JSON line.

Usage: wav_check.py FILE [--tone HZ] [--head MS] [--share HZ [--skip S]]

Prints {"valid", "why", "rate", "channels", "width", "frames", "seconds",
"data_bytes", "riff_ok", "data_ok", "dominant_hz", "tone_seconds",
"head_tone_rms"}: valid means python's wave reads it and the RIFF size and
the data chunk size match the file size; dominant_hz is the strongest of
200, 400, ... 3400 Hz (Goertzel over the whole file); tone_seconds is the
length of the 20 ms frames in which HZ (default 1000) carries most of the
frame's energy and the frame is not silent (RMS > 300); head_tone_rms is the
RMS of the HZ component in the first MS (default 400) ms; with --share,
"share" is the part of the signal's energy (after the first S seconds) that
the HZ component holds (0..1), at any rate.  Stdlib only.
"""
import json
import math
import os
import struct
import sys
import wave


def goertzel(x, hz, rate):
    """Power of the hz component of x (mean square of that sinusoid)."""
    if not x:
        return 0.0
    w = 2 * math.pi * hz / rate
    c = 2 * math.cos(w)
    s1 = s2 = 0.0
    for v in x:
        s1, s2 = v + c * s1 - s2, s1
    p = s1 * s1 + s2 * s2 - c * s1 * s2
    return 2 * p / (len(x) ** 2)


def main():
    path = sys.argv[1]
    hz = float(sys.argv[sys.argv.index("--tone") + 1]) if "--tone" in sys.argv else 1000.0
    head = int(sys.argv[sys.argv.index("--head") + 1]) if "--head" in sys.argv else 400
    r = {"valid": False, "why": ""}
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            raw = f.read()
        riff_ok = raw[:4] == b"RIFF" and raw[8:12] == b"WAVE" and \
            struct.unpack("<I", raw[4:8])[0] == size - 8
        pos, data_ok, data_bytes = 12, False, None
        while pos + 8 <= len(raw):
            cid, clen = raw[pos:pos + 4], struct.unpack("<I", raw[pos + 4:pos + 8])[0]
            if cid == b"data":
                data_bytes = clen
                data_ok = pos + 8 + clen == size
                break
            pos += 8 + clen + (clen & 1)
        w = wave.open(path)
        rate, ch, width, n = w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()
        pcm = w.readframes(n)
        w.close()
        r.update(rate=rate, channels=ch, width=width, frames=n, seconds=n / rate,
                 data_bytes=data_bytes, riff_ok=riff_ok, data_ok=data_ok,
                 file_bytes=size)
        r["valid"] = riff_ok and data_ok and data_bytes == n * ch * width
        if not r["valid"]:
            r["why"] = "header/file size mismatch: RIFF %s, data chunk %s bytes (ok %s), %d frames, file %d bytes" % (
                riff_ok, data_bytes, data_ok, n, size)
        if width == 2 and ch == 1:
            x = struct.unpack("<%dh" % (len(pcm) // 2), pcm[:len(pcm) // 2 * 2])
            cands = [200 * k for k in range(1, 18)]
            pw = {f: goertzel(x, f, rate) for f in cands}
            r["dominant_hz"] = max(pw, key=pw.get) if x else None
            fl = rate // 50
            tone = 0
            for i in range(0, len(x) - fl + 1, fl):
                fr = x[i:i + fl]
                ms = sum(v * v for v in fr) / fl
                if ms > 300 ** 2 and goertzel(fr, hz, rate) > 0.6 * ms:
                    tone += 1
            r["tone_seconds"] = tone / 50.0
            hx = x[:rate * head // 1000]
            r["head_tone_rms"] = math.sqrt(goertzel(hx, hz, rate)) if hx else 0.0
            r["rms"] = math.sqrt(sum(v * v for v in x) / len(x)) if x else 0.0
            if "--share" in sys.argv:
                f = float(sys.argv[sys.argv.index("--share") + 1])
                skip = float(sys.argv[sys.argv.index("--skip") + 1]) if "--skip" in sys.argv else 0.0
                y = x[int(skip * rate):]
                ms_all = sum(v * v for v in y) / len(y) if y else 0.0
                r["share"] = goertzel(y, f, rate) / ms_all if ms_all else 0.0
    except Exception as e:
        r["why"] = "%s: %r" % (path, e)
    print(json.dumps(r, sort_keys=True))


if __name__ == "__main__":
    main()
