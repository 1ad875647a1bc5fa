# b2b_probe.py: e2e B2BUA script.  Answers the caller and, in
# onSessionStart, connectCallee(<callee_uri>, callee_uri) (or
# connectCallee(None) when callee_uri is unset) with invite_req.hdrs plus
# "X-Test: b2b"; setRelayonly() when relay=1.  Writes one JSON line per
# event to `out`.  On a failure reply with `fallback` set, it plays that
# file and hangs up (onOtherReply returns False), else the default runs.
import json
from ivr import *


def emit(obj):
    obj["call"] = "b2b"
    with open(config["out"], "a") as f:
        f.write(json.dumps(obj) + "\n")


class IvrDialog(IvrDialogBase):
    def onSessionStart(self):
        self.invite_req.hdrs = self.invite_req.hdrs + "X-Test: b2b\r\n"
        if config.get("relay") == "1":
            self.setRelayonly()
        uri = config.get("callee_uri")
        if uri:
            self.connectCallee("<%s>" % uri, uri)
        else:
            self.connectCallee(None)
        emit({"ev": "connect"})

    def onOtherReply(self, code, reason):
        emit({"ev": "other_reply", "code": code, "reason": reason})
        if code >= 300 and config.get("fallback"):
            self.f = IvrAudioFile()
            self.f.open(config["fallback"], AUDIO_READ)
            self.enqueue(self.f, None)
            return False
        return True

    def onOtherBye(self):
        emit({"ev": "other_bye"})
        return True

    def onDtmf(self, key, duration):
        emit({"ev": "dtmf", "key": key})

    def onEmptyQueue(self):
        emit({"ev": "empty"})
        self.bye()
        self.stopSession()

    def onBye(self):
        emit({"ev": "bye"})
        self.stopSession()
