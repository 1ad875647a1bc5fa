# dialer.py: e2e trigger for IvrUAC.dialout.  A call to it is answered;
# onSessionStart places one dialout with the parameters of its .conf
# (r_uri, from, from_uri, to, app, hdrs) and session_params
# {"case": <case>, "list": ["a", "b"]}, writes {"ev": "dialout", "tag"}
# to `out`, and ends its own call after half a second.
import json
from ivr import *


def emit(obj):
    with open(config["out"], "a") as f:
        f.write(json.dumps(obj) + "\n")


class IvrDialog(IvrDialogBase):
    def onSessionStart(self):
        hdrs = config.get("hdrs", "").replace("\\r\\n", "\r\n")
        tag = IvrUAC().dialout(config.get("user", "callee"), config["app"],
                               config["r_uri"], config["from"],
                               config["from_uri"], config["to"], "",
                               hdrs, {"case": config.get("case", ""),
                                      "list": ["a", "b"]})
        emit({"call": "dialer", "ev": "dialout", "tag": tag,
              "type": type(tag).__name__})
        self.setTimer(1, 0.5)

    def onTimer(self, id):
        self.bye()
        self.stopSession()

    def onBye(self):
        self.stopSession()
