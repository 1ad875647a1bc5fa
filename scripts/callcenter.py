#
# callcenter.py: a one-agent call centre queue.
#
# The caller hears "Thank you for calling. Please hold while we connect you
# to an agent.", then hold music while the agent's phone (`agent_uri`) rings
# (connectCallee: the server bridges caller and agent, media relayed).  When
# the agent answers, caller and agent talk; when either hangs up, the other
# one gets a BYE.  When the agent is busy or rejects the call (a reply >= 300)
# or does not answer within `agent_timeout` seconds (the ringing leg is then
# cancelled with terminateOtherLeg), the caller hears "All our agents are
# busy. Please hold.", hold music again, and after `retry_delay` seconds the
# agent is called again, up to `max_retries` times; then "We are sorry, no
# agent is available right now. Please call again later. Goodbye." and the
# call ends.
#
# Hold music: the WAV of `hold_music`, looped; without it a spoken sentence,
# looped.  The caller's playlist is not heard while the call is bridged.
#
# Log lines (info):
#   callcenter: call from sip:...          callcenter: calling agent sip:... (try 1)
#   callcenter: agent answered             callcenter: agent busy (486)
#   callcenter: no answer                  callcenter: giving up
# (a busy line is logged for every reply >= 300 except 408; "no answer" for
# the agent_timeout and for a 408, i.e. dialout_timeout of sems.conf)
#
# callcenter.conf keys:
#   agent_uri      SIP URI of the agent (required; without it: goodbye at once)
#   agent_party    To of the agent leg as shown in our dialog (default <agent_uri>)
#   agent_timeout  seconds the agent may ring before we give up on this try
#                  (default 20)
#   retry_delay    seconds between a failed try and the next one (default 5)
#   max_retries    tries after the first one (default 2)
#   hold_music     WAV file looped while the caller waits (default: a spoken
#                  sentence, looped)
#   prompt_NAME    a WAV file played instead of the spoken prompt NAME, one of
#                  welcome, busy, goodbye
#
from log import *
from ivr import *

PROMPTS = {
    "welcome": "Thank you for calling. Please hold while we connect you "
               "to an agent.",
    "busy": "All our agents are busy. Please hold.",
    "goodbye": "We are sorry, no agent is available right now. "
               "Please call again later. Goodbye.",
    "hold": "Your call is important to us. Please stay on the line.",
}

TIMER_NO_ANSWER = 1     # the agent rang agent_timeout seconds
TIMER_RETRY = 2         # retry_delay is over: call the agent again


def conf_number(name, default, kind=int):
    try:
        return kind(config.get(name, default))
    except ValueError:
        warn("callcenter: %s=%r is not a number, using %s",
             (name, config[name], default))
        return default


def open_prompt(name):
    """Prompt NAME: the WAV of prompt_NAME in callcenter.conf, else spoken."""
    path = config.get("prompt_" + name)
    if path:
        f = IvrAudioFile()
        f.open(path, AUDIO_READ)
        return f
    return IvrAudioFile.tts(PROMPTS[name])


class IvrDialog(IvrDialogBase):

    def onSessionStart(self):
        self.agent_uri = config.get("agent_uri", "").strip()
        self.agent_party = config.get("agent_party", "").strip() or \
            "<%s>" % self.agent_uri
        self.agent_timeout = conf_number("agent_timeout", 20.0, float)
        self.retry_delay = conf_number("retry_delay", 5.0, float)
        self.max_retries = conf_number("max_retries", 2)
        self.tries = 0             # agent calls placed so far
        self.ringing = False       # an agent leg is being set up / rings
        self.prompts = {}
        self.hold = None
        # "welcome": the greeting plays; "waiting": hold music, agent rings or
        # retry pending; "bridged": talking to the agent; "end": goodbye plays
        self.state = "welcome"
        info("callcenter: call from %s", (self.dialog.remote_uri,))
        if not self.agent_uri:
            warn("callcenter: no agent_uri in callcenter.conf")
            self.finish()
            return
        self.play("welcome")

    def play(self, name):
        if name not in self.prompts:
            self.prompts[name] = open_prompt(name)
        self.enqueue(self.prompts[name], None)

    def play_hold_music(self):
        """Loop the hold music after what is queued (it never ends)."""
        if self.hold is None:
            path = config.get("hold_music")
            if path:
                self.hold = IvrAudioFile()
                self.hold.open(path, AUDIO_READ)
            else:
                self.hold = IvrAudioFile.tts(PROMPTS["hold"])
            self.hold.loop = True
        self.enqueue(self.hold, None)

    def call_agent(self):
        try:
            self.connectCallee(self.agent_party, self.agent_uri)
        except RuntimeError as e:
            # the previous leg is not torn down yet (CANCEL in progress)
            debug("callcenter: connectCallee: %s, again in 0.5 s", (e,))
            self.setTimer(TIMER_RETRY, 0.5)
            return
        self.tries += 1
        self.ringing = True
        info("callcenter: calling agent %s (try %d)", (self.agent_uri, self.tries))
        self.setTimer(TIMER_NO_ANSWER, self.agent_timeout)

    def onEmptyQueue(self):
        if not self.queueIsEmpty():
            return
        if self.state == "welcome":
            self.state = "waiting"
            self.play_hold_music()
            self.call_agent()
        elif self.state == "end":
            self.bye()
            self.stopSession()

    def onOtherReply(self, code, reason):
        if not self.ringing:
            return False           # e.g. the 487 of a leg we cancelled
        if code < 200:
            return False           # 180/183: keep the hold music going
        self.ringing = False
        self.removeTimer(TIMER_NO_ANSWER)
        if code < 300:
            info("callcenter: agent answered")
            self.state = "bridged"
            self.flush()           # no hold music once the agent hangs up
            return True
        if code == 408:
            info("callcenter: no answer")
        else:
            info("callcenter: agent busy (%d)", (code,))
        self.failed()
        return False               # keep the caller: try again

    def onTimer(self, id):
        if id == TIMER_NO_ANSWER and self.ringing:
            info("callcenter: no answer")
            self.ringing = False
            self.terminateOtherLeg()    # CANCEL the ringing agent
            self.failed()
        elif id == TIMER_RETRY and self.state == "waiting":
            self.call_agent()

    def failed(self):
        """This try did not reach the agent: wait and retry, or give up."""
        if self.tries > self.max_retries:
            info("callcenter: giving up")
            self.finish()
            return
        self.flush()
        self.play("busy")
        self.play_hold_music()
        self.setTimer(TIMER_RETRY, self.retry_delay)

    def finish(self):
        self.state = "end"
        self.removeTimers()
        self.flush()
        self.play("goodbye")

    def onOtherBye(self):
        info("callcenter: agent hung up")
        return True                # default: BYE to the caller, stop

    def onBye(self):
        info("callcenter: caller hung up (%s)", (self.state,))
        self.stopSession()         # a ringing or bridged agent leg ends with it
