#
# bench_lookup.py: the benchmark's blocking script (the same file runs on
# SEMS 2.1): onSessionStart asks a slow HTTP server (lookup_url in
# bench_lookup.conf; the benchmark's answers after 1 s) about the caller,
# as ordinary scripts ask a database or a web service, with a plain
# blocking urllib call, then plays the tone (tone=..., looped) until the
# caller hangs up.  The callers time the first non-silent packet: when the
# lookup's result is heard.
#
import urllib.request
from log import *
from ivr import *


class IvrDialog(IvrDialogBase):

    def onSessionStart(self, *args):
        with urllib.request.urlopen(config["lookup_url"] + self.dialog.callid,
                                    timeout=10) as r:
            r.read()
        self.tone = IvrAudioFile()
        self.tone.open(config["tone"], AUDIO_READ)
        self.tone.loop = True
        self.enqueue(self.tone, None)

    def onBye(self):
        self.stopSession()
