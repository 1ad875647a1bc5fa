# uac_probe.py: e2e application run by a dialout (IvrUAC).  Writes one
# JSON line per event to `out`: replies to its INVITE (onSipReply), its
# start with getSessionParams() and the dialog, then plays `prompt`
# (if set) and hangs up when it ends; onBye when the callee hangs up.
import json
from ivr import *


def emit(obj):
    with open(config["out"], "a") as f:
        f.write(json.dumps(obj) + "\n")


class IvrDialog(IvrDialogBase):
    def onInvite(self, hdrs):
        emit({"call": "uac", "ev": "invite"})     # must never happen

    def onSipReply(self, req, reply):
        emit({"call": "uac", "ev": "reply", "code": reply.code,
              "reason": reply.reason})

    def onSessionStart(self):
        d = self.dialog
        emit({"call": "uac", "ev": "start", "params": self.getSessionParams(),
              "local_tag": d.local_tag, "remote_uri": d.remote_uri,
              "remote_party": d.remote_party, "local_party": d.local_party,
              "status": d.status_str, "outbound_proxy": d.outbound_proxy})
        log(2, "uac_probe: session params %r" % (self.getSessionParams(),))
        if config.get("prompt"):
            self.f = IvrAudioFile()
            self.f.open(config["prompt"], AUDIO_READ)
            self.enqueue(self.f, None)

    def onEmptyQueue(self):
        emit({"call": "uac", "ev": "empty"})
        self.bye()
        self.stopSession()

    def onBye(self):
        emit({"call": "uac", "ev": "bye"})
        self.stopSession()
