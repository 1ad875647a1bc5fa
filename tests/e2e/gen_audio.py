"""gen_audio.py: writes 8 kHz mono PCM16 WAVs for the e2e tests (stdlib only).

  gen_audio.py dtmf OUT KEYS [TONE_MS GAP_MS]  DTMF pairs for KEYS (0-9 * # A-D),
                                               100 ms tones, 100 ms gaps by
                                               default, 200 ms silence first
  gen_audio.py tone OUT HZ MS [SILENCE_MS]     a sine of HZ for MS, then silence
  gen_audio.py tones OUT RATE MS HZ,HZ...      the sum of sines at RATE Hz
  gen_audio.py speechlike OUT MS [PREFIX.wav]  PREFIX.wav's audio (if given),
                                               then gliding harmonics with a
                                               syllable envelope up to MS total
"""
import math
import struct
import sys
import wave

RATE = 8000
LOW = {"1": 697, "2": 697, "3": 697, "A": 697, "4": 770, "5": 770, "6": 770, "B": 770,
       "7": 852, "8": 852, "9": 852, "C": 852, "*": 941, "0": 941, "#": 941, "D": 941}
HIGH = {"1": 1209, "4": 1209, "7": 1209, "*": 1209, "2": 1336, "5": 1336, "8": 1336,
        "0": 1336, "3": 1477, "6": 1477, "9": 1477, "#": 1477, "A": 1633, "B": 1633,
        "C": 1633, "D": 1633}


def silence(ms):
    return [0] * (RATE * ms // 1000)


def sine(hz, ms, amp):
    return [amp * math.sin(2 * math.pi * hz * i / RATE) for i in range(RATE * ms // 1000)]


def write(path, samples, rate=RATE):
    w = wave.open(path, "wb")
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(rate)
    w.writeframes(b"".join(struct.pack("<h", max(-32767, min(32767, int(round(v)))))
                           for v in samples))
    w.close()


def read(path):
    w = wave.open(path)
    assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (RATE, 1, 2), path
    raw = w.readframes(w.getnframes())
    return list(struct.unpack("<%dh" % (len(raw) // 2), raw))


def main():
    kind, out = sys.argv[1], sys.argv[2]
    if kind == "dtmf":
        tone_ms = int(sys.argv[4]) if len(sys.argv) > 4 else 100
        gap_ms = int(sys.argv[5]) if len(sys.argv) > 5 else 100
        s = silence(200)
        for k in sys.argv[3].upper():
            lo, hi = sine(LOW[k], tone_ms, 7000), sine(HIGH[k], tone_ms, 7000)
            s += [a + b for a, b in zip(lo, hi)] + silence(gap_ms)
        write(out, s + silence(300))
    elif kind == "tone":
        s = sine(float(sys.argv[3]), int(sys.argv[4]), 10000)
        write(out, s + silence(int(sys.argv[5]) if len(sys.argv) > 5 else 0))
    elif kind == "tones":
        rate, n = int(sys.argv[3]), int(sys.argv[3]) * int(sys.argv[4]) // 1000
        hz = [float(f) for f in sys.argv[5].split(",")]
        amp = 20000 / len(hz)
        write(out, [amp * sum(math.sin(2 * math.pi * f * i / rate) for f in hz)
                    for i in range(n)], rate)
    elif kind == "speechlike":
        total = RATE * int(sys.argv[3]) // 1000
        s = read(sys.argv[4]) if len(sys.argv) > 4 else []
        n0, phase = len(s), [0.0] * 16
        for i in range(max(0, total - n0)):
            t = i / RATE
            f0 = 140 + 60 * math.sin(2 * math.pi * 0.7 * t) + 30 * math.sin(2 * math.pi * 2.3 * t)
            env = max(0.0, math.sin(2 * math.pi * 3.1 * t)) ** 0.5   # ~6 syllables/s
            v = 0.0
            for h in range(1, 17):
                if f0 * h > 3600:
                    break
                phase[h - 1] += 2 * math.pi * f0 * h / RATE
                # formant-ish emphasis that wanders between 500 and 1500 Hz
                fm = 900 + 500 * math.sin(2 * math.pi * 1.3 * t)
                v += math.sin(phase[h - 1]) / (1 + ((f0 * h - fm) / 400) ** 2)
            s.append(4000 * env * v)
        write(out, s)
    else:
        sys.exit("gen_audio.py: unknown kind " + kind)


if __name__ == "__main__":
    main()
