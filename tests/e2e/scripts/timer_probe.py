# timer_probe.py: e2e test script; at start sets timers 1 (0.3 s), 2 (0.6 s),
# 3 (0.9 s) and 5 (0.45 s) and removes 3 and 5 at once (5 would fire within
# the call if removal failed); reports each onTimer as {"ev": "timer", "id",
# "delay_ms", "late_ms"} (time.monotonic from setTimer) to config["out"]; ends
# the call (BYE, stopSession) on timer 2.
import json
import time
from log import *
from ivr import *

DEADLINE = {1: 0.3, 2: 0.6, 3: 0.9, 5: 0.45}


def emit(dlg, ev, **kw):
    kw.update(ev=ev, call=dlg.dialog.callid, t=time.time())
    line = json.dumps(kw, sort_keys=True)
    ivr.log(2, "e2e probe: " + line)
    with open(config["out"], "a") as f:
        f.write(line + "\n")


class IvrDialog(IvrDialogBase):
    def onSessionStart(self):
        self.t0 = {}
        for tid in (1, 2, 3, 5):
            self.t0[tid] = time.monotonic()
            self.setTimer(tid, DEADLINE[tid])
        self.removeTimer(3)
        self.removeTimer(5)
        emit(self, "start")

    def onTimer(self, tid):
        d = (time.monotonic() - self.t0.get(tid, 0)) * 1000
        emit(self, "timer", id=tid, delay_ms=round(d, 1),
             late_ms=round(d - DEADLINE.get(tid, 0) * 1000, 1))
        if tid == 2:
            self.bye()
            self.stopSession()

    def onBye(self):
        self.stopSession()
