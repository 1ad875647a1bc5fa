#
# transfer.py: asks for a PIN and, when it is right, transfers the caller
# (blind transfer: a REFER to the caller's phone, RFC 3515).
#
# The caller hears "Please enter your PIN, followed by the hash key." and
# may type while it plays (barge-in); entry ends after as many digits as the
# PIN has, at #, or when no key comes within `timeout` seconds.  A wrong PIN
# or no entry: "Wrong PIN, please try again." / "We did not get your PIN."
# and a new request, up to `max_tries` attempts; then "Sorry, too many
# attempts. Goodbye." and the call ends.  The right PIN: "Transferring you
# now.", then refer(transfer_to): the caller's phone calls `transfer_to` and
# reports the progress in NOTIFYs (onReferStatus).  A final 2xx status: the
# transfer worked and this call is hung up; the REFER refused (a reply >=
# 300), a final status >= 300, or no final status within `refer_timeout`
# seconds: "Sorry, the transfer failed. Goodbye." and the call ends.
#
# Log lines (info):
#   transfer: PIN accepted         transfer: wrong PIN (entered 1111)
#   transfer: timeout              transfer: giving up
#   transfer: referring to sip:... transfer: REFER answered 202
#   transfer: refer status 100     transfer: refer status 200
#   transfer: done                 transfer: failed (...)
#
# transfer.conf keys:
#   transfer_to    URI the caller is transferred to (required)
#   pin            the PIN to accept (required; without it nothing is accepted)
#   referred_by    Referred-By header value of the REFER (default: none)
#   timeout        seconds to wait for a key (default 5)
#   max_tries      PIN attempts before giving up (default 3)
#   refer_timeout  seconds to wait for the final NOTIFY (default 30)
#   prompt_NAME    a WAV file played instead of the spoken prompt NAME, one of
#                  enter, wrong, timeout, goodbye, transferring, failed
#
from log import *
from ivr import *

PROMPTS = {
    "enter": "Please enter your PIN, followed by the hash key.",
    "wrong": "Wrong PIN, please try again.",
    "timeout": "We did not get your PIN.",
    "goodbye": "Sorry, too many attempts. Goodbye.",
    "transferring": "Transferring you now.",
    "failed": "Sorry, the transfer failed. Goodbye.",
}

TIMER_REFER = 1          # no final NOTIFY within refer_timeout


def conf_number(name, default, kind=int):
    try:
        return kind(config.get(name, default))
    except ValueError:
        warn("transfer: %s=%r is not a number, using %s",
             (name, config[name], default))
        return default


class IvrDialog(IvrDialogBase):

    def onSessionStart(self):
        self.pin = config.get("pin", "").strip()
        self.transfer_to = config.get("transfer_to", "").strip()
        self.timeout = conf_number("timeout", 5.0, float)
        self.max_tries = conf_number("max_tries", 3)
        self.refer_timeout = conf_number("refer_timeout", 30.0, float)
        if not self.pin:
            warn("transfer: no pin in transfer.conf: every PIN is wrong")
        if not self.transfer_to:
            warn("transfer: no transfer_to in transfer.conf")
        self.tries = 0
        self.prompts = {}
        # "enter": collecting; "error": an error message plays; "transfer":
        # "Transferring you now." plays; "referred": waiting for NOTIFYs;
        # "end": the last prompt plays, then BYE
        self.state = None
        info("transfer: call from %s", (self.dialog.remote_uri,))
        self.ask()

    def play(self, name):
        if name not in self.prompts:
            path = config.get("prompt_" + name)
            if path:
                f = IvrAudioFile()
                f.open(path, AUDIO_READ)
            else:
                f = IvrAudioFile.tts(PROMPTS[name])
            self.prompts[name] = f
        self.enqueue(self.prompts[name], None)

    def ask(self):
        self.flushDigits()         # what was typed during an error message
        self.play("enter")
        self.state = "enter"
        self.collectDigits(max(len(self.pin), 1), self.timeout,
                           terminators="#", bargein=True, min_digits=0)

    def onDigits(self, digits, reason):
        self.tries += 1
        self.flush()
        if reason == "timeout" and not digits:
            info("transfer: timeout")
            error = "timeout"
        elif self.pin and digits == self.pin and self.transfer_to:
            info("transfer: PIN accepted")
            self.state = "transfer"
            self.play("transferring")
            return
        else:
            info("transfer: wrong PIN (entered %s)", (digits,))
            error = "wrong"
        if self.tries >= self.max_tries:
            info("transfer: giving up")
            self.state = "end"
            self.play(error)
            self.play("goodbye")
        else:
            self.state = "error"
            self.play(error)

    def onEmptyQueue(self):
        if not self.queueIsEmpty():
            return
        if self.state == "error":
            self.ask()
        elif self.state == "transfer":
            self.state = "referred"
            info("transfer: referring to %s", (self.transfer_to,))
            referred_by = config.get("referred_by", "")
            self.refer(self.transfer_to, referred_by=referred_by)
            self.setTimer(TIMER_REFER, self.refer_timeout)
        elif self.state == "end":
            self.bye()
            self.stopSession()

    def onSipReply(self, req, reply):
        if req.method != "REFER" or reply.code < 200:
            return
        info("transfer: REFER answered %d", (reply.code,))
        if reply.code >= 300:
            self.failed("REFER answered %d %s" % (reply.code, reply.reason))

    def onReferStatus(self, code):
        info("transfer: refer status %d", (code,))
        if self.state != "referred" or code < 200:
            return
        if code < 300:
            info("transfer: done")
            self.state = "done"
            self.removeTimer(TIMER_REFER)
            # answer the NOTIFY before our BYE goes out
            try:
                self.sendReply(200, "OK")
            except semserror:
                pass
            self.bye()
            self.stopSession()
        else:
            self.failed("refer status %d" % code)

    def onTimer(self, id):
        if id == TIMER_REFER and self.state == "referred":
            self.failed("no final NOTIFY within %g s" % self.refer_timeout)

    def failed(self, why):
        if self.state != "referred":
            return
        info("transfer: failed (%s)", (why,))
        self.removeTimer(TIMER_REFER)
        self.state = "end"
        self.flush()
        self.play("failed")

    def onBye(self):
        self.stopSession()
