# no_dialog.py: e2e test script without an IvrDialog class; the server must skip it and start.
from ivr import *


class SomethingElse(object):
    pass
