#
# bench_loop.py: the load benchmark's application: loops the announcement
# for as long as the caller stays (the caller hangs up with BYE).
#
# The file comes from bench_loop.conf (announcement=...).
#
from log import *
from ivr import *


class IvrDialog(IvrDialogBase):

    def onSessionStart(self, *args):
        self.prompt = IvrAudioFile()
        self.prompt.open(config["announcement"], AUDIO_READ)
        self.prompt.loop = True
        self.enqueue(self.prompt, None)

    def onBye(self):
        self.stopSession()
