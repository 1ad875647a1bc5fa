#
# echobot.py: a voice bot.  The caller's audio is streamed to a WebSocket
# server (echobot.conf: url=...), and what the server sends back is played
# to the caller (the example server, echobot_server.py, echoes the caller
# one second later and sends marks).  The caller's keys reach the server
# as {"type": "dtmf"} frames; "*" hangs up.
#
# Point url at a real recogniser or voice bot that speaks the same
# protocol (see docs/voicebots.md).
#
from log import *
from ivr import *


class IvrDialog(IvrDialogBase):

    def onSessionStart(self):
        url = config.get("url", "ws://127.0.0.1:8765/echo")
        info("echobot: call from %s, listening at %s" % (self.dialog.remote_uri, url))
        self.startListen(url, mix=config.get("mix", "mono"),
                         rate=int(config.get("rate", "8000")),
                         bidirectional=config.get("bidirectional", "replace") or False,
                         metadata={"caller": self.dialog.remote_party})

    def onListenMark(self, name):
        info("echobot: mark %s played" % name)

    def onListenMessage(self, text):
        info("echobot: message %s" % text)

    def onListenEnd(self, reason):
        info("echobot: stream ended: %s" % reason)
        self.bye()
        self.stopSession()

    def onDtmf(self, key, duration):
        if key == 10:          # "*"
            self.stopListen()

    def onBye(self):
        self.stopSession()
