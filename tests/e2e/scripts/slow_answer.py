# slow_answer.py: e2e test script; onInvite blocks ~2 s before the default answer (CANCEL test).
import time
from log import *
from ivr import *


class IvrDialog(IvrDialogBase):
    def onInvite(self, hdrs):
        time.sleep(2)
        return True

    def onSessionStart(self):
        # only reached if the CANCEL lost the race: end the call at once
        self.bye()
        self.stopSession()
