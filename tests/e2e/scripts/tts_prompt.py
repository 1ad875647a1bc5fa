# tts_prompt.py: e2e test script; plays IvrAudioFile.tts(config["text"]), then
# BYE.  Reports {"ev": "played"} (or "error") to config["out"].
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
        try:
            self.speech = IvrAudioFile.tts(config["text"])
        except Exception as e:
            emit(self, "error", what=repr(e))
            self.bye()
            self.stopSession()
            return
        emit(self, "tts", size=self.speech.getDataSize()
             if hasattr(self.speech, "getDataSize") else None)
        self.enqueue(self.speech, None)

    def onEmptyQueue(self):
        emit(self, "played")
        self.bye()
        self.stopSession()

    def onBye(self):
        self.stopSession()
