# reload_probe.py: e2e script for the hot reload (case 102).  The case
# rewrites VERSION and PROMPT and sends SIGHUP; every call logs the version
# of the code it runs when it starts and when its prompt is over.
from ivr import *

VERSION = "one"
PROMPT = "welcome.wav"


class IvrDialog(IvrDialogBase):
    def onSessionStart(self):
        log(2, "reload_probe: %s start %s" % (self.dialog.callid, VERSION))
        self.prompt = IvrAudioFile()
        self.prompt.open(config["audio_dir"] + "/" + PROMPT, AUDIO_READ)
        self.enqueue(self.prompt, None)

    def onEmptyQueue(self):
        log(2, "reload_probe: %s end %s" % (self.dialog.callid, VERSION))
        self.bye()
        self.stopSession()

    def onBye(self):
        self.stopSession()
