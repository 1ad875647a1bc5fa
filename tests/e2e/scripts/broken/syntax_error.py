# syntax_error.py: e2e test script that does not compile; the server must skip it and start.
from ivr import *

class IvrDialog(IvrDialogBase)
    def onSessionStart(self):
        pass
