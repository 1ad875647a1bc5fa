#
# bench_record.py: the benchmark's recording application: loops the
# announcement and records the caller for as long as the call lasts, with
# DTMF detection on (the default: RFC 4733 and in-band tones), so each call
# costs what a voicemail or an IVR that listens costs.
#
# bench_record.conf: announcement=..., record_dir=... (anonymous files there).
#
from log import *
from ivr import *


class IvrDialog(IvrDialogBase):

    def onSessionStart(self, *args):
        self.prompt = IvrAudioFile()
        self.prompt.open(config["announcement"], AUDIO_READ)
        self.prompt.loop = True
        self.rec = IvrAudioFile()
        self.rec.open(config["record_dir"] + "/call.wav", AUDIO_WRITE, True)
        self.enqueue(self.prompt, self.rec)

    def onDtmf(self, key, duration):
        info("bench_record: key %d" % key)

    def onBye(self):
        self.stopSession()
