# msg_probe.py: e2e test script for sendMessage, SIGUSR1/SIGUSR2 and
# onServerShutdown.  Each call logs its local tag; the second call sends
# a message to the first; signals are logged per call; the calls stay up
# until the server ends them.
from ivr import *

calls = []


class IvrDialog(IvrDialogBase):
    def onSessionStart(self):
        self.tag = self.dialog.local_tag
        log(2, "msg_probe: call %s up" % self.tag)
        if calls:
            sendMessage(calls[0], "hello from " + self.tag)
            sendMessage("no-such-call", "lost")
        calls.append(self.tag)

    def onIvrMessage(self, msg):
        log(2, "msg_probe: %s got '%s'" % (self.tag, msg))

    def onUser1(self):
        log(2, "msg_probe: %s user1" % self.tag)

    def onUser2(self):
        log(2, "msg_probe: %s user2" % self.tag)

    def onServerShutdown(self):
        log(2, "msg_probe: %s shutdown" % self.tag)

    def onBye(self):
        self.stopSession()
