# raise_in_start.py: e2e test script; onSessionStart raises, the call must still end cleanly.
from log import *
from ivr import *


class IvrDialog(IvrDialogBase):
    def onSessionStart(self):
        raise RuntimeError("e2e intentional failure in onSessionStart")
