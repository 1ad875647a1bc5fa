"""ivr: the module SEMS ivr scripts import (built into ivr.so).

A typing stub for editors and type checkers; the real module exists only
inside the server.  Generated from the docstrings of the C module (the
same text `help(ivr)` shows there); docs/ivr-api.md is the full guide.
"""
from typing import Any, Callable, Dict, List, Optional

AUDIO_READ: int
AUDIO_WRITE: int
LOCAL_SIP_IP: str
LOCAL_SIP_PORT: int
SEMS_LOG_LEVEL: int
config: Dict[str, str]
"""This script's NAME.conf as a dict (set before the script runs)."""

class IvrAudioFile:
    """IvrAudioFile(): an audio file; open() it, then enqueue() it on a call."""
    def open(self, filename, mode, is_tmp=False, /) -> Any:
        """Open `filename` with mode AUDIO_READ or AUDIO_WRITE; the format comes
        from the extension (.wav, .pcmu, .pcma, .l16; "name.wav|A-Law").
        AUDIO_WRITE truncates; with is_tmp=True it records into an anonymous
        temporary file instead (filename then only gives the format; see
        exportRaw()).  Raises TypeError for another mode, IOError on failure.
        """
        ...
    def fpopen(self, filename, mode, fileobj, /) -> Any:
        """Like open(), through the open binary file object `fileobj`; `filename`
        only gives the format.  AUDIO_READ also takes a file without fileno()
        (io.BytesIO: the rest of it is read now); AUDIO_WRITE needs a file with
        a fileno().  Raises TypeError or IOError.
        """
        ...
    @classmethod
    def tts(cls, text, /) -> "IvrAudioFile":
        """A new open IvrAudioFile (of this class) speaking `text` with the built-in
        voice; nothing is written to disk.  ValueError for empty text, IOError
        when speech cannot be made.
        """
        ...
    def close(self, /) -> Any:
        """Close the file (a queued copy still plays to its end)."""
        ...
    def rewind(self, ms=0, /) -> Any:
        """Move the play position back by `ms` milliseconds; 0 means to the start."""
        ...
    def getDataSize(self, /) -> Any:
        """Bytes of audio: recorded so far (AUDIO_WRITE) or readable as 8 kHz
        16-bit samples (AUDIO_READ).  ValueError if the file is not open.
        """
        ...
    def setRecordTime(self, ms, /) -> Any:
        """Stop recording after `ms` milliseconds of audio (0: no limit).  Before
        open() it applies to the file opened next.  ValueError if ms < 0.
        """
        ...
    def exportRaw(self, /) -> Any:
        """A binary file object (io, read-only, at the start) over the recording,
        complete up to now: the file as written, header included.  OSError if
        this is not a recording or writing it failed.
        """
        ...
    loop: Any
    """True: the file plays again from the start when it ends."""

class IvrAudioMixIn:
    """IvrAudioMixIn(): two audio items mixed; init() it, then enqueue() it."""
    def init(self, a, b, interval_s, level, finish=False, mix_once=False,
     mix_immediate=False, /) -> Any:
        """Play `a`; every `interval_s` seconds mix `b` into it at `level`
        (0.0-1.0; 0 pauses `a` while `b` plays).  a and b are IvrAudioFile,
        IvrNullAudio or IvrAudioMixIn.  finish: if `a` ends while `b` plays,
        wait for `b`; mix_once: mix `b` only once; mix_immediate: the first mix
        at once.  TypeError or ValueError for bad arguments.
        """
        ...

class IvrDialogBase:
    """IvrDialogBase: base class of a script's IvrDialog, one instance per call.

    Define handlers (all optional): onInvite(hdrs), onStart(),
    onSessionStart([hdrs]), onEmptyQueue(), onBye(), onCancel(),
    onSipRequest(req), onSipReply([req,] reply), onRtpTimeout(),
    onServerShutdown(), onDtmf(key, duration), onTimer(id),
    onAudioCleared(), onDigits(digits, reason),
    onRecordDone(reason, duration_ms), onOtherReply(code, reason),
    onOtherBye().
    """
    def onRtpTimeout(self, /) -> Any:
        """The default handler of an RTP timeout (no RTP for dead_rtp_time s):
        BYE and stop.  A script's own onRtpTimeout may call it.
        """
        ...
    def getAppParam(self, name, /) -> Any:
        """Parameter `name` of the initial INVITE's P-App-Param header
        (`a=1;b=2`); "" when absent.
        """
        ...
    def getSessionParams(self, /) -> Any:
        """The session_params IvrUAC.dialout gave this call, or None."""
        ...
    def enqueue(self, play, record=None, /) -> Any:
        """Append to the call's playlist: `play` (an IvrAudioFile, rewound first, or
        None) and `record` (an IvrAudioFile opened with AUDIO_WRITE, or None).
        Items play in order; onEmptyQueue() runs when the playlist ran empty.
        """
        ...
    def flush(self, /) -> Any:
        """Empty the playlist (stops what is playing)."""
        ...
    def queueIsEmpty(self, /) -> Any:
        """True when the playlist is empty."""
        ...
    def bye(self, hdrs="", /) -> Any:
        """End the dialog: BYE once answered (extra headers `hdrs`, CRLF lines).
        As in SEMS this does not end the session: call stopSession() too.
        """
        ...
    def stopSession(self, /) -> Any:
        """End the session once the running handler returns.  Sends nothing by
        itself, except that a call still up is ended cleanly by the server.
        """
        ...
    def mute(self, /) -> Any:
        """Stop sending RTP (the playlist goes on)."""
        ...
    def unmute(self, /) -> Any:
        """Send RTP again after mute()."""
        ...
    def enableReceiving(self, /) -> Any:
        """Process the caller's audio again (recording, in-band DTMF)."""
        ...
    def disableReceiving(self, /) -> Any:
        """Ignore the caller's audio (RFC 4733 keys only if
        enableDTMFReceiving() was called).
        """
        ...
    def enableDTMFReceiving(self, /) -> Any:
        """Take RFC 4733 keys even while receiving is disabled."""
        ...
    def disableDTMFReceiving(self, /) -> Any:
        """Take RFC 4733 keys only while receiving (the default)."""
        ...
    def enableDTMFDetection(self, /) -> Any:
        """Deliver key presses to onDtmf() (the default)."""
        ...
    def disableDTMFDetection(self, /) -> Any:
        """Deliver no key presses at all."""
        ...
    def connectMedia(self, /) -> Any:
        """Attach the call to media processing again."""
        ...
    def disconnectMedia(self, /) -> Any:
        """Detach the call from media processing: nothing is
        played, recorded or sent until connectMedia().
        """
        ...
    def setTimer(self, id, seconds, /) -> Any:
        """Start timer `id` (an int > 0); onTimer(id) runs after `seconds` (a
        float, ms accuracy).  Setting an id again restarts it.
        """
        ...
    def removeTimer(self, id, /) -> Any:
        """Cancel timer `id`; it will not fire."""
        ...
    def removeTimers(self, /) -> Any:
        """Cancel every timer of this call."""
        ...
    def sendDtmf(self, digits, duration_ms=100) -> Any:
        """Send `digits` (0-9 * # A-D) to the caller as RFC 4733 events.
        ValueError for another character; RuntimeError if the call has no
        telephone-event.
        """
        ...
    def collectDigits(self, max_digits, timeout, inter_digit=None,
              terminators='#', bargein=True, min_digits=1) -> Any:
        """Collect up to max_digits keys; onDigits(digits, reason) follows with
        reason 'max', 'terminator' (the terminator is not in digits) or
        'timeout' (no first key within timeout s after what is queued now has
        played, or no next key within inter_digit s, default timeout).  Keys pressed before are used first.
        bargein: the first key stops what is playing.  A terminator before
        min_digits keys is ignored.
        """
        ...
    def flushDigits(self, /) -> Any:
        """Forget keys typed ahead and those of a running collectDigits (which
        goes on, waiting for a first key again).
        """
        ...
    def record(self, filename, max_ms, max_silence_ms=0, finish_on_key='',
       beep=False) -> Any:
        """Record the caller into `filename` (format from its name, as
        IvrAudioFile.open) after what is queued now, with a beep first if
        asked; stop after max_ms, after max_silence_ms of silence (0: never),
        or at a key of finish_on_key.  onRecordDone(reason, duration_ms)
        follows, reason 'max', 'silence', 'key' or 'hangup'; the file is
        complete by then.  Raises IOError if the file cannot be opened.
        """
        ...
    def connectCallee(self, remote_party, remote_uri=None, local_party=None,
              local_uri=None, /) -> Any:
        """Call the callee (None: the original To and R-URI) with invite_req.hdrs;
        From is the caller unless local_party and local_uri are both given.
        Replies reach onOtherReply(code, reason); once answered both parties
        hear each other.
        """
        ...
    def terminateLeg(self, /) -> Any:
        """End this (the caller's) leg: BYE, and stop the session; the callee leg
        is ended with it.
        """
        ...
    def terminateOtherLeg(self, /) -> Any:
        """End the callee leg: BYE once answered, CANCEL before."""
        ...
    def setRelayonly(self, /) -> Any:
        """Relay the caller's in-dialog requests (INFO) to the callee."""
        ...
    def setNoRelayonly(self, /) -> Any:
        """Stop relaying in-dialog requests."""
        ...
    def ring(self, /) -> Any:
        """Send 180 Ringing to the caller (before the answer; ours)."""
        ...
    def preAnswer(self, /) -> Any:
        """Send 183 Session Progress with our SDP answer (early media): the
        playlist plays and RTP flows from when this handler returns, before
        the call is answered.  answer() sends the 200 later (ours).
        """
        ...
    def answer(self, /) -> Any:
        """Answer the call: 200 with our SDP (what onInvite returning True does;
        onSessionStart is not called for it).  After ring()/preAnswer(), or
        from any later handler when onInvite returned None (ours).
        """
        ...
    def sendRequest(self, method, hdrs="", body="", content_type="", /) -> Any:
        """Send request `method` (INFO, NOTIFY, OPTIONS, MESSAGE, ...) inside the
        dialog, with the extra CRLF header lines `hdrs` and, ours, an optional
        body.  Its replies reach onSipReply(req, reply).  RuntimeError when
        there is no dialog; ValueError for INVITE, ACK, CANCEL, BYE.
        """
        ...
    def sendReply(self, code, reason, hdrs="", /) -> Any:
        """Reply to the last request onSipRequest got (INFO, NOTIFY, MESSAGE,
        UPDATE, REFER ...; the core answers INVITE, BYE, ACK, CANCEL itself).
        Call it from onSipRequest: a request left unanswered when the handler
        returns gets 200 (a REFER 501).  Raises semserror when there is no such
        request or it was answered.
        """
        ...
    def refer(self, refer_to, expires=-1, referred_by="", extra_hdrs="") -> Any:
        """Send a REFER (RFC 3515) with Refer-To: <refer_to>, Expires when
        expires >= 0, Referred-By when given.  Replies reach onSipReply; the
        NOTIFYs reach onSipRequest and, ours, onReferStatus(code) with the
        status code of their message/sipfrag body (answered 200).
        """
        ...
    def redirect(self, uri, /) -> Any:
        """SEMS's transfer: only when connected, a REFER whose Request-URI is
        `uri`, without Refer-To, with P-App-Param: Transfer-RR="<route set>"
        (for a proxy that turns it into the transfer).
        """
        ...
    def dropSession(self, /) -> Any:
        """Forget the dialog without sending anything (no BYE, no reply), then
        stop the session once the handler returns.
        """
        ...
    dialog: Any
    """The call's dialog (IvrSipDialog, a snapshot taken now)."""
    invite_req: Any
    """The INVITE (IvrSipRequest; its hdrs may be edited); a re-INVITE
    replaces it.
    """
    def B2BMode(self, *args: Any, **kwargs: Any) -> Any:
        """bool(x) -> bool

        Returns True when the argument x is true, False otherwise.
        The builtins True and False are the only two instances of the class bool.
        The class bool is a subclass of the class int, and cannot be subclassed.
        """
        ...

class IvrNullAudio:
    """IvrNullAudio(): silence to enqueue() (play or record); forever until
    init(read_ms, write_ms) or setReadLength() / setWriteLength().
    """
    def init(self, read_ms=-1, write_ms=-1, /) -> Any:
        """Silence: as a play item it ends after read_ms, as a record item after
        write_ms milliseconds; -1: never.  A new item: one already enqueued
        keeps its lengths.  ValueError for a length below -1.
        """
        ...
    def setReadLength(self, ms, /) -> Any:
        """Play length in milliseconds (-1: never ends); the write length stays.
        Applies to the item already enqueued too.
        """
        ...
    def setWriteLength(self, ms, /) -> Any:
        """Record length in milliseconds (-1: never ends); the read length stays.
        Applies to the item already enqueued too.
        """
        ...

class IvrSipDialog:
    """IvrSipDialog: the call's SIP dialog at the time it was read (read-only
    except remote_uri).
    """
    user: Any
    """Local user (R-URI user of the INVITE)."""
    domain: Any
    """Local domain."""
    local_uri: Any
    """Our URI."""
    callid: Any
    """Call-ID."""
    remote_tag: Any
    """The remote party's tag."""
    local_tag: Any
    """Our tag (also the session id)."""
    remote_party: Any
    """The remote party (From of an incoming call)."""
    local_party: Any
    """The local party (To of an incoming call)."""
    route: Any
    """Route set, or ""."""
    outbound_proxy: Any
    """Outbound proxy, or ""."""
    sip_ip: Any
    """Our SIP address (where the INVITE arrived; old API)."""
    sip_port: Any
    """Our SIP port, as str (old API)."""
    contact_uri: Any
    """Our Contact URI (old API)."""
    next_hop: Any
    """Next hop, or "" (old API)."""
    cseq: Any
    """Our next CSeq."""
    status: Any
    """Dialog status, 0-6 as SEMS (see status_str)."""
    remote_uri: Any
    """The remote party's URI (remote target); settable: requests sent
    in the dialog from then on go to it.
    """
    status_str: Any
    """Dialog status as text: "Disconnected", "Trying", "Proceeding",
    "Cancelling", "Early", "Connected" or "Disconnecting".
    """

class IvrSipReply:
    """IvrSipReply: a received SIP reply (read-only)."""
    code: Any
    """Status code (200, 404, ...)."""
    reason: Any
    """Reason phrase."""
    next_request_uri: Any
    """Where the next request in the dialog goes."""
    contact: Any
    """Contact URI, or ""."""
    next_hop: Any
    """Next hop, or ""."""
    route: Any
    """Route set learned from Record-Route, or ""."""
    hdrs: Any
    """Other headers, as CRLF-terminated lines."""
    body: Any
    """Message body."""
    from_tag: Any
    """Tag of the From header."""
    to_tag: Any
    """Tag of the To header."""
    remote_tag: Any
    """The remote party's tag."""
    local_tag: Any
    """Our tag."""
    cseq: Any
    """CSeq number of the request answered."""

class IvrSipRequest:
    """IvrSipRequest: a received SIP request (read-only, except hdrs)."""
    method: Any
    """Request method ("INVITE", "BYE", ...)."""
    user: Any
    """User part of the request URI."""
    domain: Any
    """Host part of the request URI."""
    dstip: Any
    """Local address the request was received on."""
    port: Any
    """Local port the request was received on (str)."""
    r_uri: Any
    """The request URI."""
    from_uri: Any
    """URI of the From header."""
    from_: Any  # the attribute is named "from" (a Python keyword): getattr(x, "from")
    """Value of the From header."""
    to: Any
    """Value of the To header."""
    callid: Any
    """Call-ID."""
    from_tag: Any
    """Tag of the From header."""
    to_tag: Any
    """Tag of the To header ("" on an initial INVITE)."""
    route: Any
    """Route set, as "Route: ..." lines, or ""."""
    next_hop: Any
    """Next hop (outbound proxy), or ""."""
    contact: Any
    """Contact URI, or ""."""
    content_type: Any
    """Content-Type of the body, or ""."""
    body: Any
    """Message body (SDP for an INVITE)."""
    cseq: Any
    """CSeq number."""
    hdrs: Any
    """Other headers, as CRLF-terminated "Name: value" lines."""

class IvrUAC:
    """IvrUAC: places outbound calls: IvrUAC().dialout(...)."""
    def dialout(self, user, app_name, r_uri, from_, from_uri, to, local_tag="",
        hdrs="", session_params=None, /) -> Any:
        """Call r_uri and run application app_name once the callee answers;
        session_params reach it through getSessionParams().  Returns the new
        session's local tag.
        """
        ...

class semserror(Exception):
    """Raise semserror({'code': int, 'reason': str, 'hdrs': str}) from a handler
    before the call is answered to end it with that SIP reply.
    """

def createThread(callable, /) -> Any:
    """Run `callable` in its own thread once every script is loaded.  Only
    while scripts are imported; later calls are logged and ignored.
    """
    ...

def getAppParam(name, /) -> Any:
    """Old scripts' form of IvrDialogBase.getAppParam: the parameter of the call
    whose handler is running; "" outside a handler.
    """
    ...

def getHeader(headers, name, /) -> Any:
    """First value of header `name` in the CRLF header block `headers`; the name
    is case-insensitive and compact forms match ("f" == "From").
    Returns "" when absent.
    """
    ...

def getHeaders(headers, name, /) -> Any:
    """All values of header `name` in `headers`, joined with ", "."""
    ...

def getSessionParam(headers, name, /) -> Any:
    """Value of `name` in the P-App-Param header (`a=1;b=2`), else the value of
    a header named P-<name>; "" when absent.
    """
    ...

def log(level, msg, /) -> Any:
    """Write msg to the server log at level (0 error, 1 warning, 2 info, 3 debug)."""
    ...

def monitorFinish(callid, /) -> Any:
    """Write call `callid`'s record to the log now and forget it (it is also
    written when the call ends).
    """
    ...

def monitorLog(callid, prop, value, /) -> Any:
    """Set property `prop` of call `callid`'s record to `value`."""
    ...

def monitorLogAdd(callid, prop, value, /) -> Any:
    """Append `value` to the list property `prop` of call `callid`'s record."""
    ...

def sendMessage(dest, msg, /) -> Any:
    """Post `msg` to the live call whose local tag is `dest`; it arrives there as
    onIvrMessage(msg).  An unknown dest is ignored.
    """
    ...

def setIgnoreSigchld(flag, /) -> Any:
    """Accepted for SEMS scripts; this server never treats SIGCHLD as shutdown."""
    ...

