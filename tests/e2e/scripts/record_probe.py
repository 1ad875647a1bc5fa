# record_probe.py: e2e test script for recording; config["file"] is the WAV to
# write, config["mode"]:
#   timed    IvrAudioFile open(file, AUDIO_WRITE), setRecordTime(config["ms"]),
#            enqueue(None, rec); on onEmptyQueue: getDataSize(), close(), BYE
#   nolimit  the same without a record time; the call ends otherwise (caller
#            BYE, SIGTERM of the server)
#   timer    nolimit, and stopSession() from timer 1 at config["stop_s"]
#   helper   record(file, max_ms=3000, max_silence_ms=800, finish_on_key="#",
#            beep=True); on onRecordDone(reason, duration_ms): BYE
# Reports {"ev": "recording" | "empty" | "done" | "bye" | "error", ...} to
# config["out"].
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
        try:
            if self.mode == "helper":
                self.record(config["file"], max_ms=3000, max_silence_ms=800,
                            finish_on_key="#", beep=True)
            else:
                self.rec = IvrAudioFile()
                self.rec.open(config["file"], AUDIO_WRITE)
                if self.mode == "timed":
                    self.rec.setRecordTime(int(config["ms"]))
                self.enqueue(None, self.rec)
                if self.mode == "timer":
                    self.setTimer(1, float(config["stop_s"]))
        except Exception as e:
            emit(self, "error", what=repr(e))
            self.bye()
            self.stopSession()
            return
        emit(self, "recording")

    def onEmptyQueue(self):
        if self.mode != "timed":
            return
        size = self.rec.getDataSize()
        self.rec.close()
        emit(self, "empty", size=size,
             after_ms=round((time.monotonic() - self.t0) * 1000))
        self.bye()
        self.stopSession()

    def onTimer(self, tid):
        emit(self, "timer", id=tid)
        self.stopSession()

    def onRecordDone(self, reason, duration_ms):
        emit(self, "done", reason=reason, duration_ms=duration_ms,
             after_ms=round((time.monotonic() - self.t0) * 1000))
        self.bye()
        self.stopSession()

    def onDtmf(self, key, duration):
        emit(self, "dtmf", key=key, duration=duration)

    def onBye(self):
        emit(self, "bye")
        self.stopSession()
