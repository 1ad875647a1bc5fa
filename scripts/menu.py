#
# menu.py: a one-key menu ("for sales press 1, for support press 2, to hear
# this again press 3").
#
# The caller may press a key while the menu plays (barge-in).  1 and 2 are
# confirmed with the department's name, then the call ends; 3 plays the menu
# again; any other key is "not a valid choice" and no key within `timeout`
# seconds of the menu's end is "we did not get your choice": both re-prompt,
# and after `max_tries` of them the script says goodbye and hangs up.
#
# Log lines (info), one per outcome:
#   menu: choice 1 (sales)    menu: choice 2 (support)    menu: repeat
#   menu: invalid key 7       menu: timeout               menu: giving up
#
# menu.conf keys (all optional):
#   timeout       seconds to wait for a key after the menu ends (default 5)
#   max_tries     invalid keys + timeouts before giving up (default 3)
#   prompt_NAME   a WAV file played instead of the spoken prompt NAME, one of
#                 welcome, sales, support, invalid, timeout, goodbye
#
from log import *
from ivr import *

PROMPTS = {
    "welcome": "Welcome. For sales press 1, for support press 2, "
               "to hear this again press 3.",
    "sales": "Thank you. You chose sales. Goodbye.",
    "support": "Thank you. You chose support. Goodbye.",
    "invalid": "Sorry, that is not a valid choice.",
    "timeout": "We did not get your choice.",
    "goodbye": "Sorry, we could not get your choice. Goodbye.",
}

DEPARTMENTS = {"1": "sales", "2": "support"}


def conf_number(name, default, kind=int):
    try:
        return kind(config.get(name, default))
    except ValueError:
        warn("menu: %s=%r is not a number, using %s", (name, config[name], default))
        return default


def open_prompt(name):
    """Prompt NAME: the WAV of prompt_NAME in menu.conf, else spoken."""
    path = config.get("prompt_" + name)
    if path:
        f = IvrAudioFile()
        f.open(path, AUDIO_READ)
        return f
    return IvrAudioFile.tts(PROMPTS[name])


class IvrDialog(IvrDialogBase):

    def onSessionStart(self):
        self.timeout = conf_number("timeout", 5.0, float)
        self.max_tries = conf_number("max_tries", 3)
        self.failures = 0
        self.prompts = {}          # this call's prompt files, made once
        self.ending = False        # the last prompt plays, then BYE
        info("menu: call from %s", (self.dialog.remote_uri,))
        self.menu()

    def play(self, name):
        if name not in self.prompts:
            self.prompts[name] = open_prompt(name)
        self.enqueue(self.prompts[name], None)

    def menu(self, before=None):
        """Play prompt `before` (if any) and the menu, and wait for a key."""
        self.flush()
        if before:
            self.play(before)
        self.play("welcome")
        # a key may come while the menu plays; `timeout` counts from its end
        self.collectDigits(1, self.timeout, terminators="", bargein=True)

    def finish(self, name):
        self.ending = True
        self.flush()
        self.play(name)

    def onEmptyQueue(self):
        if self.ending and self.queueIsEmpty():
            self.bye()
            self.stopSession()

    def onDigits(self, digits, reason):
        if reason == "timeout":
            info("menu: timeout")
            self.failed("timeout")
        elif digits in DEPARTMENTS:
            info("menu: choice %s (%s)", (digits, DEPARTMENTS[digits]))
            self.finish(DEPARTMENTS[digits])
        elif digits == "3":
            info("menu: repeat")
            self.menu()
        else:
            info("menu: invalid key %s", (digits,))
            self.failed("invalid")

    def failed(self, prompt):
        self.failures += 1
        if self.failures >= self.max_tries:
            info("menu: giving up")
            self.finish("goodbye")
        else:
            self.menu(before=prompt)

    def onBye(self):
        self.stopSession()
