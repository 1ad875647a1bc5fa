#
# voicemail.py: records a message from the caller and plays it back.
#
# Greets ("Please leave a message after the tone. Press hash when done."),
# beeps and records into `spool_dir`/<call-id>-<unix time>.wav (8 kHz mono
# PCM16; characters of the Call-ID other than letters, digits, ".", "_" and
# "-" become "_") until the caller presses #, `max_seconds` have passed,
# `silence_ms` of silence, or the caller hangs up.  Then, if the caller is
# still there: "Your message was N seconds long. Here it is.", the message
# itself, "Goodbye.", and the call ends.  Keys pressed during the greeting
# do not end the recording.
#
# Log line (info), once per call:
#   voicemail: saved /tmp/sems-voicemail/abc_host-1700000000.wav (key, 3120 ms)
# with the reason: key, max, silence or hangup; if recording cannot start,
# (error) "voicemail: cannot record PATH: WHY", "Goodbye." and the call ends.
#
# voicemail.conf keys (all optional):
#   spool_dir     where messages go, created if missing (default /tmp/sems-voicemail)
#   max_seconds   longest message (default 60)
#   silence_ms    silence that ends a message, 0: never (default 3000)
#   prompt_NAME   a WAV file played instead of the spoken prompt NAME, one of
#                 greeting, goodbye
#
import os
import re
import time
from log import *
from ivr import *

PROMPTS = {
    "greeting": "Please leave a message after the tone. Press hash when done.",
    "goodbye": "Goodbye.",
}


def conf_number(name, default):
    try:
        return int(config.get(name, default))
    except ValueError:
        warn("voicemail: %s=%r is not a number, using %s", (name, config[name], default))
        return default


def open_prompt(name):
    path = config.get("prompt_" + name)
    if path:
        f = IvrAudioFile()
        f.open(path, AUDIO_READ)
        return f
    return IvrAudioFile.tts(PROMPTS[name])


class IvrDialog(IvrDialogBase):

    def onSessionStart(self):
        spool = config.get("spool_dir", "/tmp/sems-voicemail")
        name = re.sub(r"[^A-Za-z0-9._-]", "_", self.dialog.callid)
        self.path = os.path.join(spool, "%s-%d.wav" % (name, int(time.time())))
        self.max_ms = conf_number("max_seconds", 60) * 1000
        self.silence_ms = conf_number("silence_ms", 3000)
        self.state = "greeting"
        self.items = []            # what is queued, kept until played
        info("voicemail: call from %s", (self.dialog.remote_uri,))
        try:
            os.makedirs(spool, exist_ok=True)
        except OSError as e:
            error("voicemail: cannot create %s: %s", (spool, e))
            self.bye()
            self.stopSession()
            return
        self.play(open_prompt("greeting"))

    def play(self, f):
        self.items.append(f)
        self.enqueue(f, None)

    def onEmptyQueue(self):
        if not self.queueIsEmpty():
            return
        if self.state == "greeting":
            # the greeting was heard: beep, then record
            self.state = "recording"
            try:
                self.record(self.path, self.max_ms, max_silence_ms=self.silence_ms,
                            finish_on_key="#", beep=True)
            except Exception as e:
                error("voicemail: cannot record %s: %s", (self.path, e))
                if os.path.exists(self.path):
                    os.remove(self.path)       # no message: leave no file
                self.state = "playback"
                self.flush()
                self.play(open_prompt("goodbye"))
        elif self.state == "playback":
            self.bye()
            self.stopSession()

    def onRecordDone(self, reason, duration_ms):
        info("voicemail: saved %s (%s, %d ms)", (self.path, reason, duration_ms))
        if reason == "hangup":
            self.state = "done"
            return
        self.state = "playback"
        seconds = int(duration_ms / 1000.0 + 0.5)
        self.flush()
        self.play(IvrAudioFile.tts("Your message was %d second%s long. Here it is."
                                   % (seconds, "" if seconds == 1 else "s")))
        message = IvrAudioFile()
        try:
            message.open(self.path, AUDIO_READ)
            self.play(message)
        except IOError as e:
            error("voicemail: cannot play back %s: %s", (self.path, e))
        self.play(open_prompt("goodbye"))

    def onBye(self):
        self.stopSession()
