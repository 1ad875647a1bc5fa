#
# click2dial.py: click-to-dial.  The server calls party A, and once A
# answers, calls party B and connects the two.
#
# Trigger: a call to application `click2dial` (e.g. sip:click2dial@server,
# sent by a web application or a phone) whose P-App-Param header carries the
# two parties:
#     P-App-Param: a=sip:alice@example.com;b=sip:bob@example.com
# The trigger call is answered and hung up half a second later; it only
# starts the dialout.  A missing a or b: "click2dial: missing a or b" and the
# trigger call is hung up, nothing is dialled.
#
# Then the server calls A (IvrUAC().dialout, From `caller_id`), running this
# same application with session_params {"a": A, "b": B}.  When A answers
# it hears "Please wait, we are connecting your call.", then B is called
# (connectCallee; B sees A's URI as the caller); when B answers, A and B
# talk (media relayed through the server); when either hangs up, the other
# one gets a BYE.  B busy, rejecting or not answering (dialout_timeout of
# sems.conf): A hears "Sorry, the other party could not be reached.
# Goodbye." and the call ends.  A not answering: nothing happens to B.
#
# Anyone who can reach the trigger makes the server call any URI: let only
# trusted senders reach it (a proxy in front, or firewall rules).
#
# Log lines (info):
#   click2dial: calling A sip:... then B sip:...
#   click2dial: A answered       click2dial: B answered
#   click2dial: B failed (486)   click2dial: A failed (408)
#   click2dial: missing a or b   click2dial: A hung up / B hung up
#
# click2dial.conf keys (all optional):
#   caller_id     From of the call to A (default "Click to dial"
#                 <sip:click2dial@LOCAL_SIP_IP>); its URI is also the From URI
#   prompt_NAME   a WAV file played instead of the spoken prompt NAME, one of
#                 connecting, failed
#
import re

from log import *
from ivr import *

PROMPTS = {
    "connecting": "Please wait, we are connecting your call.",
    "failed": "Sorry, the other party could not be reached. Goodbye.",
}

TIMER_HANGUP_TRIGGER = 1


def open_prompt(name):
    """Prompt NAME: the WAV of prompt_NAME in click2dial.conf, else spoken."""
    path = config.get("prompt_" + name)
    if path:
        f = IvrAudioFile()
        f.open(path, AUDIO_READ)
        return f
    return IvrAudioFile.tts(PROMPTS[name])


def bare_uri(value):
    """sip:x@y from "sip:x@y", "<sip:x@y>" or "Name <sip:x@y>"."""
    m = re.search(r"<([^>]*)>", value)
    return (m.group(1) if m else value).strip()


class IvrDialog(IvrDialogBase):

    def onSessionStart(self):
        self.params = self.getSessionParams()
        if self.params is None:
            self.trigger()
        else:
            self.a_leg()

    # --- the trigger call ---------------------------------------------

    def trigger(self):
        self.role = "trigger"
        a = bare_uri(self.getAppParam("a"))
        b = bare_uri(self.getAppParam("b"))
        if not a or not b:
            info("click2dial: missing a or b (P-App-Param a=%r b=%r)", (a, b))
        else:
            caller_id = config.get("caller_id") or \
                '"Click to dial" <sip:click2dial@%s>' % LOCAL_SIP_IP
            info("click2dial: calling A %s then B %s", (a, b))
            try:
                IvrUAC().dialout("", "click2dial", a, caller_id,
                                 bare_uri(caller_id), "", "", "",
                                 {"a": a, "b": b})
            except (ValueError, RuntimeError) as e:
                warn("click2dial: cannot dial A %s: %s", (a, e))
        self.setTimer(TIMER_HANGUP_TRIGGER, 0.5)

    # --- the call to A --------------------------------------------------

    def onSipReply(self, req, reply):
        # replies to our INVITE to A, before it answers
        if self.getSessionParams() is not None and reply.code >= 300 and \
                req.method == "INVITE":
            info("click2dial: A failed (%d)", (reply.code,))

    def a_leg(self):
        self.role = "a"
        self.state = "connecting"   # then "ringing", "bridged", "end"
        self.prompts = {}
        info("click2dial: A answered")
        self.play("connecting")

    def play(self, name):
        if name not in self.prompts:
            self.prompts[name] = open_prompt(name)
        self.enqueue(self.prompts[name], None)

    def onEmptyQueue(self):
        if self.role != "a" or not self.queueIsEmpty():
            return
        if self.state == "connecting":
            self.state = "ringing"
            b = self.params["b"]
            # B sees A as the caller
            self.connectCallee("<%s>" % b, b, "<%s>" % self.params["a"],
                               self.params["a"])
        elif self.state == "end":
            self.bye()
            self.stopSession()

    def onOtherReply(self, code, reason):
        if code < 200 or self.state != "ringing":
            return False
        if code < 300:
            info("click2dial: B answered")
            self.state = "bridged"
            return True
        info("click2dial: B failed (%d)", (code,))
        self.state = "end"
        self.play("failed")
        return False               # keep A for the prompt, then BYE

    def onOtherBye(self):
        info("click2dial: B hung up")
        return True                # default: BYE to A, stop

    # --- both -----------------------------------------------------------

    def onTimer(self, id):
        if id == TIMER_HANGUP_TRIGGER:
            self.bye()
            self.stopSession()

    def onBye(self):
        if self.role == "a":
            info("click2dial: A hung up")
        self.stopSession()         # B's leg (ringing or bridged) ends with it
