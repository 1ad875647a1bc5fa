#!/usr/bin/env python3
"""make_corpus.py: writes the seed corpus tests/fuzz/corpus/<target>/ (a few
valid and edge-case inputs per target, see the harness of each for the
input format).  Re-run after changing a harness's format; inputs that
crashed once (crash-*) are kept by hand next to these."""
import io, os, struct, sys, wave, math

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

def put(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

CRLF = "\r\n"
SDP = CRLF.join(["v=0", "o=e2e 1 1 IN IP4 127.0.0.1", "s=-",
                 "c=IN IP4 127.0.0.1", "t=0 0",
                 "m=audio 6000 RTP/AVP 0 8 101", "a=rtpmap:0 PCMU/8000",
                 "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000",
                 "a=fmtp:101 0-15", "a=ptime:20", "a=sendrecv", ""])

def sip(first, hdrs, body=""):
    h = [first] + hdrs + ["Content-Length: %d" % len(body)]
    return CRLF.join(h) + CRLF + CRLF + body

BASE = ["Via: SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bK-1",
        "From: sipp <sip:sipp@127.0.0.1:5072>;tag=1",
        "To: <sip:announce@127.0.0.1:5060>", "Call-ID: 1-1@127.0.0.1",
        "Max-Forwards: 70"]

# ---- sip_msg: raw SIP messages
put("sip_msg", "invite", sip("INVITE sip:announce@127.0.0.1:5060 SIP/2.0",
    BASE + ["CSeq: 1 INVITE", "Contact: <sip:sipp@127.0.0.1:5072>",
            "Route: <sip:127.0.0.1;lr>", "P-App-Name: announce",
            "Content-Type: application/sdp"], SDP))
put("sip_msg", "bye", sip("BYE sip:announce@127.0.0.1:5060 SIP/2.0",
    BASE[:2] + ["To: <sip:announce@127.0.0.1>;tag=abc", BASE[3],
                "CSeq: 2 BYE"]))
put("sip_msg", "reply_200", sip("SIP/2.0 200 OK",
    BASE[:2] + ["To: <sip:b@127.0.0.1>;tag=x", BASE[3], "CSeq: 1 INVITE",
                "Contact: <sip:b@127.0.0.1:5080>",
                "Record-Route: <sip:p1;lr>, <sip:p2;lr>",
                "Content-Type: application/sdp"], SDP))
put("sip_msg", "compact", sip("OPTIONS sip:x@[::1]:5060;transport=tcp SIP/2.0",
    ["v: SIP/2.0/TCP [::1]:5072;branch=z9hG4bK-2;rport",
     "f: \"A \\\"q\\\" B\" <sip:a@[::1]>;tag=2", "t: sip:x@[::1]",
     "i: c2", "CSeq: 7 OPTIONS", "m: *", "k: timer"]))
put("sip_msg", "info_dtmf", sip("INFO sip:a@127.0.0.1 SIP/2.0",
    BASE + ["CSeq: 3 INFO", "Content-Type: application/dtmf-relay"],
    "Signal=5\r\nDuration=160\r\n"))
put("sip_msg", "folded", "INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
    "Subject: a\r\n b\r\n\tc\r\nCall-ID: x\r\nCSeq: 99999999999 INVITE\r\n"
    "Content-Length: 99999\r\n\r\nv=0")

# ---- sdp: byte 0 (bit 0: IPv6 answer address, bits 1-2: codec_order) + SDP
put("sdp", "pcmu_pcma_te", b"\x00" + SDP.encode())
put("sdp", "order", b"\x02" + SDP.encode())
put("sdp", "opus_g722", b"\x01" + CRLF.join(["v=0", "o=- 1 1 IN IP6 ::1", "s=-",
    "c=IN IP6 ::1", "t=0 0", "m=audio 7000 RTP/AVP 96 9 3 101",
    "a=rtpmap:96 opus/48000/2", "a=fmtp:96 useinbandfec=1",
    "a=rtpmap:9 G722/8000", "a=rtpmap:3 GSM/8000",
    "a=rtpmap:101 telephone-event/48000", ""]).encode())
put("sdp", "hold", b"\x04" + SDP.replace("c=IN IP4 127.0.0.1", "c=IN IP4 0.0.0.0")
    .replace("sendrecv", "sendonly").encode())
put("sdp", "two_streams", b"\x00" + (SDP + "m=video 6002 RTP/AVP 31\r\n"
    "m=audio 0 RTP/AVP 8\r\nc=IN IP4 10.0.0.1\r\na=inactive\r\n").encode())
put("sdp", "g729_only", b"\x00" + SDP.replace("0 8 101", "18").encode())
put("sdp", "garbage", b"\x06v=0\nm=audio x RTP/AVP\na=rtpmap:\nc=IN IP4 999.1.1\n")

# ---- rtp: byte 0 (codec index, 0x80 raw payload mode, 0x40 dtmf
# receiving, 0x20 48 kHz telephone-event), byte 1 telephone-event pt,
# then packets: 2-byte little-endian length + bytes
def rtp(pt, seq, ts, payload, marker=False):
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, seq,
                       ts, 0x1234) + payload

def pkts(*ps):
    return b"".join(struct.pack("<H", len(p)) + p for p in ps)

voice = [rtp(0, 10 + i, 160 * i, bytes([0xff - i] * 160)) for i in range(6)]
ev = [rtp(101, 20 + i, 1600, struct.pack("!BBH", 5, 0x0a | (0x80 if i > 2
      else 0), 160 * (i + 1))) for i in range(5)]
for i in range(8):
    put("rtp", "codec%d_voice" % i, bytes([i, 101]) + pkts(*voice))
put("rtp", "pcmu_dtmf", bytes([0, 101]) + pkts(*(voice[:2] + ev + voice[2:])))
put("rtp", "reordered_dup", bytes([1, 101]) + pkts(voice[3], voice[1],
    voice[1], voice[0], voice[5], rtp(8, 65535, 0, b"\xd5" * 160),
    rtp(8, 0, 160, b"\xd5" * 160)))
put("rtp", "short_bad", bytes([0, 101]) + pkts(b"\x80", b"\x40" * 12,
    rtp(0, 1, 1, b"")[:12] + b"\x00", b"\x90" + b"\x00" * 11 + b"\x00\x01\x00\x04",
    b"\xa0" + rtp(0, 2, 2, b"x")[1:] + b"\x00\x00\x00\xff"))
put("rtp", "raw_mode", bytes([0x80 | 5, 101]) + pkts(b"\x00" * 80,
    bytes([5, 0x8a, 0, 160]), b"\xff" * 3, os.urandom(0) + b"\x01" * 200))

# ---- ser_parse: Kamailio t_write_unix datagrams
INV = ("0.3\nsip_request.sems\nINVITE\nannounce\n127.0.0.1\n127.0.0.1\n5071\n"
       "sip:announce@127.0.0.1:5071\nsip:sipp@127.0.0.1:5072;transport=udp\n"
       "sipp <sip:sipp@127.0.0.1:5072>\n<sip:announce@127.0.0.1:5071>\n"
       "1-7172@127.0.0.1\n7172SIPpTag001\n\n1\n1658:897120517\n.\n.\n"
       "P-MsgFlags: 08\nP-App-Name: announce\n.\n" + SDP.replace("\r\n", "\r\n") + "\n")
put("ser_parse", "invite", INV)
put("ser_parse", "bye", "0.3\nsip_request.ivr\nBYE\nannounce\n127.0.0.1\n"
    "127.0.0.1\n.\nsip:announce@127.0.0.1\nsip:sipp@127.0.0.1:5072\n"
    "sipp <sip:sipp@127.0.0.1:5072>\nannounce <sip:announce@127.0.0.1>;tag=totag123\n"
    "1-5937@127.0.0.1\n5937SIPpTag001\ntotag123\n2\n13286:631268238\n.\n.\n.\n\n")
put("ser_parse", "truncated", INV[:120])
put("ser_parse", "no_body_dots", "0.3\nsip_request.x\nINVITE\n" + ".\n" * 20)

# ---- ser_rpc: byte 0 (bit 0: request 1 has a fallback; bits 1-7: id of a
# second pending request) + a JSON-RPC answer
put("ser_rpc", "ok", b"\x04" + b'{"jsonrpc":"2.0","result":"ok","id":1}')
put("ser_rpc", "error", b"\x00" + b'{"jsonrpc":"2.0","error":{"code":500,'
    b'"message":"tm.reply failed"},"id":1}')
put("ser_rpc", "method_not_found", b"\x01" + b'{"jsonrpc":"2.0","error":'
    b'{"code":-32601,"message":"Method Not Found"},"id":1}')
put("ser_rpc", "late", b"\x00" + b'{"jsonrpc":"2.0","result":{},"id":987654321}')
put("ser_rpc", "odd", b"\x05" + b'{"id":2,"error":{"code":"x","message":7}}')
put("ser_rpc", "not_json", b"\x00" + b'[1,2,{"id":1.5}')

# ---- config: key=value files
put("config", "sems_conf", open(os.path.join(os.path.dirname(ROOT), "..", "..",
    "etc", "sems.conf"), "rb").read())
put("config", "ivr_conf", "# ivr\nscript_path=/usr/local/lib/sems/ivr\n"
    "b2b_media = relay \n")
put("config", "edge", "=x\nkey\nkey=\n a = b = c \n\x00=\nsip_port=99999\n"
    "rtp_low_port=-1\nsession_processor_threads=18446744073709551617\n"
    "fork=maybe\nsip_ip=::1\nmedia_ip=1.2.3.4.5\n" + "k" * 5000 + "=v\n")

# ---- audio_decode: byte 0 (low bits: extension wav/pcmu/pcma/l16, 0x80:
# 16 kHz) + the file
def wav(rate, ch, width, n):
    b = io.BytesIO()
    w = wave.open(b, "wb")
    w.setnchannels(ch)
    w.setsampwidth(width)
    w.setframerate(rate)
    frames = bytearray()
    for i in range(n):
        v = int(8000 * math.sin(2 * math.pi * 440 * i / rate))
        for _ in range(ch):
            frames += v.to_bytes(width, "little", signed=True) if width > 1 \
                else bytes([(v >> 8) + 128 & 0xff])
    w.writeframes(bytes(frames))
    w.close()
    return b.getvalue()

put("audio_decode", "wav8k", b"\x00" + wav(8000, 1, 2, 400))
put("audio_decode", "wav44k_stereo", b"\x80" + wav(44100, 2, 2, 300))
put("audio_decode", "wav8bit", b"\x00" + wav(11025, 1, 1, 200))
put("audio_decode", "pcmu", b"\x01" + bytes(range(256)))
put("audio_decode", "pcma16", b"\x82" + bytes(range(255, 0, -1)))
put("audio_decode", "l16_odd", b"\x03" + b"\x01\x02\x03")
put("audio_decode", "wav_truncated", b"\x00" + wav(8000, 1, 2, 400)[:50])

# ---- sip_headers: header blocks
put("sip_headers", "block", "From: a <sip:a@b>;tag=1\r\nf: x\r\nVia: v1\r\n"
    "Via: v2, v3\r\nP-App-Name: ivr\r\nP-App-Param: uid=7;app=\"x;y\"\r\n")
put("sip_headers", "edge", "P-App-Param: uid\r\nP-App-Param: =;;uid=\"\r\n"
    "Via:\r\n\r\n:\r\nf\r\n")
