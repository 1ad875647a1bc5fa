#
# pin.py: asks for a PIN of `pin_length` digits followed by the hash key and
# compares it with `pin`.
#
# The caller may start typing while the request plays (barge-in); entry ends
# after pin_length digits, at #, or when no key comes within `timeout` seconds
# (of the request's end, or of the last key).  A correct PIN is confirmed and
# read back digit by digit ("PIN accepted. You entered 1 2 3 4."), then the
# call ends.  A wrong PIN (too short, too long, or # alone counts too) or a
# timeout: "Wrong PIN, please try again." / "We did not get your PIN." and a
# new request, up to `max_tries` attempts; then goodbye and hang up.  Keys
# typed while an error message plays are dropped: each attempt starts afresh.
#
# Log lines (info):
#   pin: accepted    pin: wrong (entered 1111)    pin: timeout    pin: giving up
#
# pin.conf keys:
#   pin           the PIN to accept (required; without it nothing is accepted)
#   pin_length    digits of a PIN (default 4)
#   timeout       seconds to wait for a key (default 5)
#   max_tries     attempts before giving up (default 3)
#   prompt_NAME   a WAV file played instead of the spoken prompt NAME, one of
#                 enter, accepted, wrong, timeout, goodbye (the read-back of
#                 the digits is always spoken)
#
from log import *
from ivr import *

PROMPTS = {
    "enter": "Please enter your %d digit PIN, followed by the hash key.",
    "accepted": "PIN accepted.",
    "wrong": "Wrong PIN, please try again.",
    "timeout": "We did not get your PIN.",
    "goodbye": "Sorry, too many attempts. Goodbye.",
}


def conf_number(name, default, kind=int):
    try:
        return kind(config.get(name, default))
    except ValueError:
        warn("pin: %s=%r is not a number, using %s", (name, config[name], default))
        return default


class IvrDialog(IvrDialogBase):

    def onSessionStart(self):
        self.pin = config.get("pin", "").strip()
        self.pin_length = conf_number("pin_length", 4)
        self.timeout = conf_number("timeout", 5.0, float)
        self.max_tries = conf_number("max_tries", 3)
        if not self.pin:
            warn("pin: no pin in pin.conf: every PIN is wrong")
        self.tries = 0
        self.prompts = {}
        self.state = None     # "enter": collecting; "error": an error plays;
                              # "end": the last prompt plays, then BYE
        info("pin: call from %s", (self.dialog.remote_uri,))
        self.ask()

    def play(self, name):
        if name not in self.prompts:
            path = config.get("prompt_" + name)
            if path:
                f = IvrAudioFile()
                f.open(path, AUDIO_READ)
            else:
                text = PROMPTS[name]
                f = IvrAudioFile.tts(text % self.pin_length if "%d" in text else text)
            self.prompts[name] = f
        self.enqueue(self.prompts[name], None)

    def ask(self):
        self.flushDigits()         # what was typed during an error message
        self.play("enter")
        self.state = "enter"
        # keys may come while the request plays; `timeout` counts from its end
        self.collectDigits(self.pin_length, self.timeout, terminators="#",
                           bargein=True, min_digits=0)

    def onEmptyQueue(self):
        if not self.queueIsEmpty():
            return
        if self.state == "error":
            self.ask()
        elif self.state == "end":
            self.bye()
            self.stopSession()

    def onDigits(self, digits, reason):
        self.tries += 1
        self.flush()
        if reason == "timeout" and not digits:
            info("pin: timeout")
            error = "timeout"
        elif self.pin and digits == self.pin:
            info("pin: accepted")
            self.state = "end"
            self.play("accepted")
            self.enqueue(IvrAudioFile.tts("You entered %s." % " ".join(digits)), None)
            return
        else:
            info("pin: wrong (entered %s)", (digits,))
            error = "wrong"
        if self.tries >= self.max_tries:
            info("pin: giving up")
            self.state = "end"
            self.play(error)
            self.play("goodbye")
        else:
            self.state = "error"
            self.play(error)

    def onBye(self):
        self.stopSession()
