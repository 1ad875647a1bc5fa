# soak_ivr.py: the soak test's application (tests/soak/run.sh, `make soak`).
# Answers, plays the prompt once, then records the caller into
# record_dir/<Call-ID>.wav (IvrAudioFile AUDIO_WRITE), collects the keys
# the caller sends, and hangup_s seconds after the start hangs up (or the
# caller does); either way one line "CALL-ID KEYS reason" (KEYS as dialled,
# "-" for none) is appended to digits_log.
#
# soak_ivr.conf: prompt=..., record_dir=..., digits_log=..., hangup_s=3
import re
from log import *
from ivr import *

KEYS = "0123456789*#ABCD"


class IvrDialog(IvrDialogBase):

    def onSessionStart(self):
        self.keys = []
        self.done = False
        self.prompt = IvrAudioFile()
        self.prompt.open(config["prompt"], AUDIO_READ)
        self.rec = IvrAudioFile()
        name = re.sub(r"[^A-Za-z0-9._-]", "_", self.dialog.callid)
        self.rec.open("%s/%s.wav" % (config["record_dir"], name), AUDIO_WRITE)
        self.enqueue(self.prompt, None)
        self.enqueue(None, self.rec)
        self.setTimer(1, float(config.get("hangup_s", "3")))

    def onDtmf(self, key, duration):
        self.keys.append(KEYS[key] if 0 <= key < len(KEYS) else "?")

    def finish(self, reason):
        if self.done:
            return
        self.done = True
        with open(config["digits_log"], "a") as f:
            f.write("%s %s %s\n" % (self.dialog.callid, "".join(self.keys) or "-", reason))

    def onTimer(self, timer_id):
        self.finish("timer")
        self.bye()
        self.stopSession()

    def onBye(self):
        self.finish("bye")
        self.stopSession()
