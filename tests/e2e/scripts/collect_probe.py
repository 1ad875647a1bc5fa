# collect_probe.py: e2e test script for collectDigits; config["mode"]:
#   max         collectDigits(3, 5) at start
#   terminator  collectDigits(5, 5) at start (terminator "#")
#   timeout     collectDigits(5, 5, inter_digit=1)
#   bargein     plays config["prompt"] looped, collectDigits(1, 10)
#   typeahead   collectDigits(2, 5) only from timer 1 at 1.5 s
# Reports {"ev": "digits", "digits", "reason"} (and "dtmf", "collect") to
# config["out"]; ends the call after onDigits (bargein: the caller ends it).
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
        self.mode = config["mode"]
        self.t0 = time.monotonic()
        if self.mode == "bargein":
            self.prompt = IvrAudioFile()
            self.prompt.loop = True
            self.prompt.open(config["prompt"], AUDIO_READ)
            self.enqueue(self.prompt, None)
        if self.mode == "typeahead":
            self.setTimer(1, 1.5)
        else:
            self.collect()

    def collect(self):
        emit(self, "collect")
        if self.mode == "max":
            self.collectDigits(3, 5)
        elif self.mode == "terminator":
            self.collectDigits(5, 5)
        elif self.mode == "timeout":
            self.collectDigits(5, 5, inter_digit=1)
        elif self.mode == "bargein":
            self.collectDigits(1, 10)
        elif self.mode == "typeahead":
            self.collectDigits(2, 5)

    def onTimer(self, tid):
        if tid == 1:
            self.collect()

    def onDtmf(self, key, duration):
        emit(self, "dtmf", key=key, duration=duration)

    def onDigits(self, digits, reason):
        emit(self, "digits", digits=digits, reason=reason,
             after_ms=round((time.monotonic() - self.t0) * 1000))
        if self.mode != "bargein":
            self.bye()
            self.stopSession()

    def onBye(self):
        self.stopSession()
