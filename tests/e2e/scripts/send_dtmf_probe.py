# send_dtmf_probe.py: e2e test script; sendDtmf(config["digits"]) once the call
# is up (timer 1, 0.5 s), then BYE 2 s later.  Reports {"ev": "sent"} or
# {"ev": "error"} to config["out"].
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
        self.setTimer(1, 0.5)

    def onTimer(self, tid):
        if tid == 1:
            try:
                self.sendDtmf(config["digits"])
                emit(self, "sent", digits=config["digits"])
            except Exception as e:
                emit(self, "error", what=repr(e))
            self.setTimer(2, 2.0)
        else:
            self.bye()
            self.stopSession()

    def onBye(self):
        self.stopSession()
