"""tones.py: audio helpers of the e2e tests (stdlib only).

  tones.py make OUT.wav RATE SECONDS FREQ[,FREQ...]   sum of sine tones
  tones.py energy IN.wav FREQ [SKIP_S]                print JSON: the share of
      the signal's energy at FREQ (Goertzel over 20 ms blocks, after SKIP_S
      seconds), the RMS, and the duration
"""
import json
import math
import struct
import sys
import wave


def make(path, rate, seconds, freqs):
    n = int(rate * seconds)
    amp = 0.6 / len(freqs) * 32767
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = bytearray()
        for i in range(n):
            v = sum(math.sin(2 * math.pi * f * i / rate) for f in freqs)
            frames += struct.pack("<h", int(amp * v))
        w.writeframes(bytes(frames))


def read(path):
    with wave.open(path, "rb") as w:
        rate, ch, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        raw = w.readframes(w.getnframes())
    if width != 2:
        raise SystemExit("want 16-bit wav")
    samples = struct.unpack("<%dh" % (len(raw) // 2), raw)[::ch]
    return rate, samples


def goertzel_power(block, rate, freq):
    k = 2 * math.cos(2 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for x in block:
        s1, s2 = x + k * s1 - s2, s1
    return s1 * s1 + s2 * s2 - k * s1 * s2


def energy(path, freq, skip=0.0):
    rate, s = read(path)
    s = s[int(skip * rate):]
    blk = rate // 50
    tone = total = 0.0
    for i in range(0, len(s) - blk + 1, blk):
        b = s[i:i + blk]
        total += sum(x * x for x in b) * blk / 2
        tone += goertzel_power(b, rate, freq)
    rms = math.sqrt(sum(x * x for x in s) / len(s)) if s else 0.0
    return {"share": tone / total if total else 0.0, "rms": rms,
            "duration": len(s) / rate + skip, "rate": rate}


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]),
             [float(f) for f in sys.argv[5].split(",")])
    elif sys.argv[1] == "energy":
        skip = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
        print(json.dumps(energy(sys.argv[2], float(sys.argv[3]), skip)))
    else:
        raise SystemExit(__doc__)
