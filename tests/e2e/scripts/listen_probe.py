# listen_probe.py: e2e test script for startListen (cases 110-119).
# config: url, mix, rate, bidirectional ("", replace, mix), prompt (a file
# played, looped), metadata (JSON text), message (sent with
# sendListenMessage once started), stop_ms (stopListen after), bye_ms (BYE
# and stop after).  JSON lines to config["out"]: start, listen_end
# (reason), mark (name), message (text), dtmf, bye.
import json
import time
from log import *
from ivr import *


def emit(dlg, ev, **kw):
    kw.update(ev=ev, call=dlg.callid, t=time.time())
    line = json.dumps(kw, sort_keys=True)
    ivr.log(2, "e2e probe: " + line)
    with open(config["out"], "a") as f:
        f.write(line + "\n")


class IvrDialog(IvrDialogBase):
    def onSessionStart(self):
        self.callid = self.dialog.callid
        if config.get("prompt"):
            self.prompt = IvrAudioFile()
            self.prompt.loop = True
            self.prompt.open(config["prompt"], AUDIO_READ)
            self.enqueue(self.prompt, None)
        meta = json.loads(config["metadata"]) if config.get("metadata") else None
        try:
            self.startListen(config["url"], mix=config.get("mix", "mono"),
                             rate=int(config.get("rate", "8000")),
                             bidirectional=config.get("bidirectional") or False,
                             metadata=meta)
            emit(self, "start")
        except Exception as e:
            emit(self, "start_failed", what=str(e))
        if config.get("message"):
            self.sendListenMessage(config["message"])
        if config.get("stop_ms"):
            self.setTimer(1, int(config["stop_ms"]) / 1000.0)
        if config.get("bye_ms"):
            self.setTimer(2, int(config["bye_ms"]) / 1000.0)

    def onTimer(self, id):
        if id == 1:
            emit(self, "stop", what=self.stopListen())
        elif id == 2:
            emit(self, "bye")
            self.bye()
            self.stopSession()

    def onListenEnd(self, reason):
        emit(self, "listen_end", reason=reason)

    def onListenMark(self, name):
        emit(self, "mark", name=name)

    def onListenMessage(self, text):
        emit(self, "message", text=text)

    def onDtmf(self, key, duration):
        emit(self, "dtmf", key=key)

    def onBye(self):
        emit(self, "caller_bye")
        self.stopSession()
