"""log: logging for SEMS ivr scripts, through the server's logger.

    from log import *
    info("caller %s", (caller,))

Installed with the ivr plug-in (PREFIX/lib/sems/python), never in
script_path: every module there is loaded as an application.  Importing it
also makes uncaught exceptions go to the server log with their traceback.
"""
import sys
import traceback

import ivr

L_ERR = 0
L_WARN = 1
L_INFO = 2
L_DBG = 3


def log(level, msg, args=None):
    """Log msg (msg % args when args is given) at level L_ERR..L_DBG."""
    if args is not None:
        msg = msg % args
    ivr.log(level, str(msg))


def error(msg, args=None):
    """Log at error level."""
    log(L_ERR, msg, args)


def warn(msg, args=None):
    """Log at warning level."""
    log(L_WARN, msg, args)


def info(msg, args=None):
    """Log at info level."""
    log(L_INFO, msg, args)


def debug(msg, args=None):
    """Log at debug level."""
    log(L_DBG, msg, args)


def stacktrace(tb):
    """Log the stack of traceback object tb at error level."""
    for chunk in traceback.format_tb(tb):
        for line in chunk.rstrip("\n").split("\n"):
            ivr.log(L_ERR, line)


def log_excepthook(exc_type, exc_value, exc_tb):
    """sys.excepthook: an uncaught exception goes to the server log."""
    for chunk in traceback.format_exception(exc_type, exc_value, exc_tb):
        for line in chunk.rstrip("\n").split("\n"):
            ivr.log(L_ERR, line)


sys.excepthook = log_excepthook
