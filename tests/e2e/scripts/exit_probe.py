# exit_probe.py: e2e test script (case 94): onSessionStart tries to end or
# reconfigure the whole server (`how` in the .conf): os._exit(3),
# sys.exit(1), os.abort(), os.fork(), signal.signal(SIGTERM, SIG_IGN).
# The call must end (BYE or an error reply), the server must go on.
import os
import signal
import sys
from ivr import *


class IvrDialog(IvrDialogBase):
    def onSessionStart(self):
        how = config.get("how")
        log(2, "exit_probe: %s tries %s" % (self.dialog.callid, how))
        if how == "os_exit":
            os._exit(3)
        elif how == "sys_exit":
            sys.exit(1)
        elif how == "abort":
            os.abort()
        elif how == "fork":
            os.fork()
        elif how == "signal":
            old = signal.signal(signal.SIGTERM, signal.SIG_IGN)
            log(2, "exit_probe: signal.signal returned %r" % (old,))
            self.bye()
            self.stopSession()
            return
        log(0, "exit_probe: %s survived %s" % (self.dialog.callid, how))
