# indialog_probe.py: e2e test script for early media, in-dialog requests,
# REFER, hold and session control (cases 60-69).  config["out"]: JSON lines
# of what happened; config["mode"] picks the behaviour:
#   early     onInvite: ring(), preAnswer(), enqueue config["prompt"],
#             answer() from a timer after config["answer_after"] s
#   requests  onSessionStart: sendRequest("INFO", ...); onSipRequest
#             answers MESSAGE 202 itself (twice: the second must raise
#             semserror), leaves NOTIFY to the default; config["arity"]
#             "1" gives the old onSipReply(self, reply)
#   refer     on the ACK: refer(config["target"], expires=60, referred_by)
#   redirect  on the ACK: redirect(config["target"])
#   hold      records invite_req and the dialog on each re-INVITE
#   drop      dropSession() on the ACK
#   remote    on the ACK: dialog.remote_uri = config["target"], then
#             sendRequest("OPTIONS")
# config["trigger"] "timer": what the modes do on the ACK (or, requests, in
# onSessionStart) runs 0.5 s after onSessionStart instead (in SER mode the
# ACK never reaches the server).
# Every handler call is one line {"ev": name, ...}.
import json
import time
from log import *
from ivr import *


def emit(dlg, ev, **kw):
    kw.update(ev=ev, call=dlg.dialog.callid, t=time.time())
    line = json.dumps(kw, sort_keys=True)
    ivr.log(2, "e2e probe: " + line)
    with open(config["out"], "a") as f:
        f.write(line + "\n")


def req_info(req):
    return {"method": req.method, "cseq": req.cseq, "hdrs": req.hdrs,
            "body": req.body, "r_uri": req.r_uri}


class IvrDialog(IvrDialogBase):
    def onInvite(self, hdrs):
        mode = config.get("mode")
        emit(self, "invite", status=self.dialog.status_str)
        if mode != "early":
            return True
        self.ring()
        self.preAnswer()
        self.prompt = IvrAudioFile()
        self.prompt.open(config["prompt"], AUDIO_READ)
        self.enqueue(self.prompt, None)
        self.setTimer(1, float(config.get("answer_after", "1.5")))
        emit(self, "pre_answered", status=self.dialog.status_str)
        return None

    def onTimer(self, tid):
        if tid == 1:
            self.answer()
            emit(self, "answered", status=self.dialog.status_str)
        elif tid == 2:
            self.bye()
            self.stopSession()
        elif tid == 3:
            self.act()
            if config.get("mode") == "requests":
                self.sendRequest("INFO", "X-Probe: info\r\n", "probe body",
                                 "text/plain")

    def onSessionStart(self):
        d = self.dialog
        emit(self, "start", sip_ip=d.sip_ip, sip_port=d.sip_port,
             contact_uri=d.contact_uri, next_hop=d.next_hop,
             remote_uri=d.remote_uri)
        if config.get("trigger") == "timer":
            self.setTimer(3, 0.5)
        elif config.get("mode") == "requests":
            self.sendRequest("INFO", "X-Probe: info\r\n", "probe body",
                             "text/plain")

    def act(self):
        mode = config.get("mode")
        if mode == "refer":
            self.refer(config["target"], expires=60,
                       referred_by="<sip:ivr@127.0.0.1>")
        elif mode == "redirect":
            self.redirect(config["target"])
        elif mode == "drop":
            self.dropSession()
            emit(self, "dropped")
        elif mode == "remote":
            self.dialog.remote_uri = config["target"]
            emit(self, "remote_set", remote_uri=self.dialog.remote_uri)
            self.sendRequest("OPTIONS", "")

    def onSipRequest(self, req):
        emit(self, "request", **req_info(req))
        if req.method == "ACK" and config.get("trigger") != "timer":
            self.act()
        elif req.method == "MESSAGE":
            self.sendReply(202, "Accepted", "X-Reply: probe\r\n")
            try:
                self.sendReply(200, "OK")
                emit(self, "second_reply", raised=False)
            except semserror as e:
                emit(self, "second_reply", raised=True, msg=str(e))
        elif req.method == "INVITE":
            ir = self.invite_req
            emit(self, "invite_req", cseq=ir.cseq, body=ir.body,
                 same=(ir.cseq == req.cseq))

    def onReferStatus(self, code):
        emit(self, "refer_status", code=code)
        if code >= 200:
            self.setTimer(2, 0.3)

    def onBye(self):
        emit(self, "bye")
        self.stopSession()

    def onCancel(self):
        emit(self, "cancel")


def _reply2(self, req, reply):
    emit(self, "reply", arity=2, method=req.method, cseq=req.cseq,
         code=reply.code, reason=reply.reason, hdrs=reply.hdrs)
    if config.get("mode") == "redirect" and reply.code >= 200:
        self.setTimer(2, 0.3)


def _reply1(self, reply):
    emit(self, "reply", arity=1, code=reply.code, reason=reply.reason,
         cseq=reply.cseq)


IvrDialog.onSipReply = _reply1 if config.get("arity") == "1" else _reply2
