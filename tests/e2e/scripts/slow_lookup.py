# slow_lookup.py: e2e test script for blocking handlers: onSessionStart asks
# a slow HTTP server (lookup_url in the .conf, answering after 1 s) for the
# caller's data, as real scripts ask databases, then speaks a short result
# and hangs up.  Logs "slow_lookup: CALLID got RESULT after MS ms".
import time
import urllib.request
from ivr import *


class IvrDialog(IvrDialogBase):
    def onSessionStart(self):
        t0 = time.monotonic()
        with urllib.request.urlopen(config["lookup_url"] + self.dialog.callid,
                                    timeout=10) as r:
            result = r.read().decode()
        log(2, "slow_lookup: %s got %s after %d ms" % (
            self.dialog.callid, result, (time.monotonic() - t0) * 1000))
        self.tone = IvrNullAudio()
        self.tone.init(500)          # half a second, then onEmptyQueue
        self.enqueue(self.tone, None)

    def onEmptyQueue(self):
        self.bye()
        self.stopSession()

    def onBye(self):
        self.stopSession()
