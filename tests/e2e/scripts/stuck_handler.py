# stuck_handler.py: e2e test script (case 93): onSessionStart never
# returns, as a script with a bug would (`mode` in the .conf: "loop" spins
# holding the GIL between switches, "sleep" blocks in time.sleep).
import time
from ivr import *


class IvrDialog(IvrDialogBase):
    def onSessionStart(self):
        log(2, "stuck_handler: %s enters its endless handler" % self.dialog.callid)
        if config.get("mode") == "sleep":
            while True:
                time.sleep(3600)
        while True:
            pass
