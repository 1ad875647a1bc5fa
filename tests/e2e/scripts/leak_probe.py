# leak_probe.py: e2e test script; announce.py that also logs the number of live Python objects.
import gc
from log import *
from ivr import *


class IvrDialog(IvrDialogBase):
    def onSessionStart(self, hdrs):
        gc.collect()
        info("leak_probe: %d objects" % len(gc.get_objects()))
        self.announcement = IvrAudioFile()
        self.announcement.open(config["announcement"], AUDIO_READ)
        self.enqueue(self.announcement, None)

    def onEmptyQueue(self):
        self.bye()
        self.stopSession()

    def onBye(self):
        self.stopSession()
