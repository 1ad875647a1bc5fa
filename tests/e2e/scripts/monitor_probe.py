# monitor_probe.py: e2e script for GET /calls: sets monitorLog properties,
# plays the prompt of monitor_probe.conf (prompt=...), hangs up `hold`
# seconds (default 0) after it.
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
        self.setTimer(1, float(config.get("hold", "0")) or 0.001)

    def onTimer(self, timer_id):
        self.bye()
        self.stopSession()

    def onBye(self):
        self.stopSession()
