# monitor_probe.py: e2e script for GET /calls: sets monitorLog properties,
# plays the prompt of monitor_probe.conf (prompt=...), hangs up after it.
from ivr import *


class IvrDialog(IvrDialogBase):
    def onSessionStart(self):
        callid = self.dialog.callid
        monitorLog(callid, "probe", "up")
        monitorLogAdd(callid, "steps", "start")
        monitorLogAdd(callid, "steps", 2)
        self.prompt = IvrAudioFile()
        self.prompt.open(config["prompt"], AUDIO_READ)
        self.enqueue(self.prompt, None)

    def onEmptyQueue(self):
        self.bye()
        self.stopSession()

    def onBye(self):
        self.stopSession()
