# dtmf_probe.py: e2e test script; reports every onDtmf(key, duration) as a JSON
# line {"ev": "dtmf", "key", "duration", "call", "t"} to config["out"] (and the
# log); optional config["prompt"]: a file played (looped) meanwhile.  The caller
# ends the call.
import json
import time
from log import *
from ivr import *


def emit(dlg, ev, **kw):
    kw.update(ev=ev, call=dlg.dialog.callid, t=time.time())
    line = json.dumps(kw, sort_keys=True)
    ivr.log(2, "e2e probe: " + line)
    with open(config["out"], "a") as f:
        f.write(line + "\n")


class IvrDialog(IvrDialogBase):
    def onSessionStart(self):
        emit(self, "start")
        if config.get("prompt"):
            self.prompt = IvrAudioFile()
            self.prompt.loop = True
            self.prompt.open(config["prompt"], AUDIO_READ)
            self.enqueue(self.prompt, None)

    def onDtmf(self, key, duration):
        emit(self, "dtmf", key=key, duration=duration)

    def onBye(self):
        emit(self, "bye")
        self.stopSession()
