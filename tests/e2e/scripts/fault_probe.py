# fault_probe.py: e2e test script for resource faults (cases 95-99).
# config["mode"]:
#   record  plays config["prompt"] in a loop while recording the caller into
#           config["file"] ("{call}" in it: the Call-ID) with IvrAudioFile
#           AUDIO_WRITE; if the recording cannot be opened, reports the error
#           and plays the prompt anyway; the caller ends the call, or BYE
#           after config["hold_s"] seconds if set; with
#           config["rec_delay_s"], the recording starts that late (timer 2)
#   play    plays config["prompt"] once, then BYE; if it cannot be opened,
#           reports the error and plays config["fallback"] (a file) instead,
#           or, without one, hangs up at once
#   hold    answers, plays config["prompt"] in a loop; BYE after
#           config["hold_s"] seconds (timer 1), or when the caller hangs up
# Reports {"ev": "recording" | "playing" | "error" | "empty" | "bye" |
# "timer", "call", ...} to config["out"] (error: "what" is str(exception)
# and "type" its class name).
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


def opened(path, mode):
    f = IvrAudioFile()
    f.open(path, mode)
    return f


class IvrDialog(IvrDialogBase):
    def onSessionStart(self):
        mode = config["mode"]
        self.prompt = self.rec = None
        if mode == "record":
            if "hold_s" in config:
                self.setTimer(1, float(config["hold_s"]))
            self.prompt = opened(config["prompt"], AUDIO_READ)
            self.prompt.loop = True
            if "rec_delay_s" in config:
                self.setTimer(2, float(config["rec_delay_s"]))
                self.enqueue(self.prompt, None)
            else:
                self.record()
            return
        try:
            self.prompt = opened(config["prompt"], AUDIO_READ)
        except IOError as e:
            emit(self, "error", what=str(e), type=type(e).__name__)
            if not config.get("fallback"):
                self.bye()
                self.stopSession()
                return
            self.prompt = opened(config["fallback"], AUDIO_READ)
        if mode == "hold":
            self.prompt.loop = True
            self.setTimer(1, float(config["hold_s"]))
        self.enqueue(self.prompt, None)
        emit(self, "playing")

    def record(self):
        name = config["file"].replace("{call}", self.dialog.callid)
        try:
            self.rec = opened(name, AUDIO_WRITE)
            emit(self, "recording", file=name)
        except IOError as e:
            emit(self, "error", what=str(e), type=type(e).__name__)
        self.flush()
        self.enqueue(self.prompt, self.rec)

    def onEmptyQueue(self):
        emit(self, "empty")
        self.bye()
        self.stopSession()

    def onTimer(self, tid):
        emit(self, "timer", id=tid)
        if tid == 2:
            self.record()
            return
        self.bye()
        self.stopSession()

    def onBye(self):
        emit(self, "bye", size=self.rec.getDataSize() if self.rec else None)
        self.stopSession()
