#
# announce.py: plays an announcement to the caller, then hangs up.
#
# The file comes from announce.conf (announcement=...).
#
from log import *
from ivr import *


class IvrDialog(IvrDialogBase):

    def onSessionStart(self, hdrs):
        info("announce: call from %s", (self.dialog.remote_uri,))
        self.announcement = IvrAudioFile()
        self.announcement.open(config["announcement"], AUDIO_READ)
        self.enqueue(self.announcement, None)

    def onEmptyQueue(self):
        self.bye()
        self.stopSession()

    def onBye(self):
        self.stopSession()
